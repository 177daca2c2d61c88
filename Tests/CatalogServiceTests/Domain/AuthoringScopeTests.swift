import CatalogService
import Contracts
import Foundation
import Testing

@Suite("A designer's scope is the national offer or one academy's offer, never both")
struct AuthoringScopeTests {
    let now = CourseSamples.now
    let lyon = AuthoringScope(academy: "lyon")

    @Test("the national scope covers the national offer and no academy's offer")
    func national() {
        #expect(AuthoringScope.national.covers(.national))
        #expect(!AuthoringScope.national.covers(.academy("lyon", sharedNationally: true)))
        #expect(!AuthoringScope.national.covers(.academy("lyon", sharedNationally: false)))
    }

    @Test("an academy's scope covers that academy's offer, shared or not, and nothing else")
    func academy() {
        #expect(lyon.covers(.academy("lyon", sharedNationally: false)))
        #expect(lyon.covers(.academy("lyon", sharedNationally: true)))
        #expect(!lyon.covers(.academy("creteil", sharedNationally: true)))
        #expect(!lyon.covers(.national))
        #expect(!lyon.covers(CourseOrigin(kind: .academy, academy: nil, sharedNationally: false)))
    }

    @Test("a course is refused when its draft's origin is outside the scope, naming both offers")
    func draftOrigin() throws {
        let course = try Course.create(id: "c1", draft: CourseSamples.draft(), at: now)
        try AuthoringScope.national.check(course)
        #expect(throws: AuthoringScope.Refusal(scope: lyon, origin: .national)) { try lyon.check(course) }
        let refusal = AuthoringScope.Refusal(scope: lyon, origin: .national)
        #expect(
            refusal.description
                == "this course belongs to the national offer; this designer authors the offer of academy lyon only")
    }

    @Test("a course whose published version and draft differ in origin is refused unless the scope covers both")
    func everyOrigin() throws {
        var course = try Course.create(id: "c1", draft: CourseSamples.draft(), at: now)
        _ = try course.publish(at: now)
        var moved = CourseSamples.draft()
        moved.origin = .academy("lyon", sharedNationally: false)
        try course.replaceDraft(with: moved, at: now)
        #expect(throws: AuthoringScope.Refusal.self) { try lyon.check(course) }
        #expect(throws: AuthoringScope.Refusal.self) { try AuthoringScope.national.check(course) }
    }

    @Test("publishing records the publisher as the version's designer, whatever the draft said")
    func publisher() throws {
        var draft = CourseSamples.draft()
        draft.owner = CourseOwner(organisation: "DGESCO", designerID: "someone-else")
        var course = try Course.create(id: "c1", draft: draft, at: now)
        let version = try course.publish(at: now, by: "d-0042")
        #expect(version.content.owner == CourseOwner(organisation: "DGESCO", designerID: "d-0042"))
    }
}
