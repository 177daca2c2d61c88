import CatalogService
import Contracts
import Foundation
import Testing

@Suite("A course goes from draft to published versions to archived")
struct CourseLifecycleTests {
    let now = CourseSamples.now

    @Test("a new course is a draft at revision 1, with no version")
    func creation() throws {
        let course = try Course.create(id: "c1", draft: CourseSamples.draft(), at: now)
        #expect(course.status == .draft)
        #expect(course.revision == 1)
        #expect(course.latestVersion == nil)
        #expect(course.hasPendingChanges)
    }

    @Test("creating a course with an empty title is refused")
    func creationRefused() {
        #expect(throws: CatalogRuleError.invalid([.init(field: "title", problem: "must not be empty")])) {
            try Course.create(id: "c1", draft: CourseSamples.draft(title: ""), at: now)
        }
    }

    @Test("publishing freezes version 1 and closes the draft")
    func firstPublication() throws {
        var course = try Course.create(id: "c1", draft: CourseSamples.draft(), at: now)
        let version = try course.publish(at: now)
        #expect(version.number == 1)
        #expect(course.status == .published)
        #expect(course.draft == nil)
        #expect(course.latestVersion == version)
        #expect(course.revision == 2)
    }

    @Test("a draft with no activity cannot be published, and the course is unchanged")
    func publicationRefused() throws {
        var course = try Course.create(id: "c1", draft: CourseSamples.draft(activities: []), at: now)
        let before = course
        #expect(throws: CatalogRuleError.self) { try course.publish(at: now) }
        #expect(course == before)
    }

    @Test("editing after a publication opens a new draft; the published version does not change")
    func editAfterPublish() throws {
        var course = try Course.create(id: "c1", draft: CourseSamples.draft(), at: now)
        let v1 = try course.publish(at: now)
        try course.addActivity(Activity(title: "Forum d'échanges", kind: .forum, estimatedMinutes: 30), date: now)
        #expect(course.hasPendingChanges)
        #expect(course.latestVersion == v1)
        #expect(course.draft?.activities.map(\.id) == ["a1", "a2", "a3", "a4"])
        let v2 = try course.publish(at: now.addingTimeInterval(60))
        #expect(v2.number == 2)
        #expect(v1.content.activities.count == 3)
        #expect(v2.content.activities.count == 4)
    }

    @Test("publishing with no change since the latest version is refused")
    func nothingToPublish() throws {
        var course = try Course.create(id: "c1", draft: CourseSamples.draft(), at: now)
        _ = try course.publish(at: now)
        #expect(throws: CatalogRuleError.nothingToPublish(courseID: "c1", latestVersion: 1)) {
            try course.publish(at: now)
        }
    }

    @Test("activities can be replaced, removed and reordered; a bad order is refused")
    func activities() throws {
        var course = try Course.create(id: "c1", draft: CourseSamples.draft(), at: now)
        try course.reorderActivities(["a3", "a1", "a2"], at: now)
        #expect(course.draft?.activities.map(\.id) == ["a3", "a1", "a2"])
        try course.replaceActivity(
            "a1", with: Activity(title: "Vidéo courte", kind: .video, estimatedMinutes: 10), at: now)
        #expect(course.draft?.activities[1].title == "Vidéo courte")
        #expect(course.draft?.activities[1].id == "a1")
        try course.removeActivity("a3", at: now)
        #expect(course.draft?.activities.map(\.id) == ["a1", "a2"])
        #expect(throws: CatalogRuleError.self) { try course.reorderActivities(["a1", "a1"], at: now) }
        #expect(throws: CatalogRuleError.unknownActivity("zz")) { try course.removeActivity("zz", at: now) }
        #expect(course.revision == 4)
    }

    @Test("an archived course can no longer be edited, published or archived again")
    func archived() throws {
        var course = try Course.create(id: "c1", draft: CourseSamples.draft(), at: now)
        _ = try course.publish(at: now)
        try course.archive(at: now, reason: "remplacé")
        #expect(course.status == .archived)
        #expect(throws: CatalogRuleError.archived(courseID: "c1")) {
            try course.replaceDraft(with: CourseSamples.draft(), at: now)
        }
        #expect(throws: CatalogRuleError.archived(courseID: "c1")) { try course.publish(at: now) }
        #expect(throws: CatalogRuleError.archived(courseID: "c1")) { try course.archive(at: now, reason: nil) }
    }
}

@Suite("Derivation records its source and sees when it is behind")
struct DerivationTests {
    let now = CourseSamples.now

    @Test("a derived course starts from the source version's content with its own origin and owner")
    func derive() throws {
        var source = try Course.create(id: "src", draft: CourseSamples.draft(), at: now)
        let v1 = try source.publish(at: now)
        let local = try Course.derive(
            from: v1, id: "local", origin: .academy("lyon", sharedNationally: false),
            owner: CourseOwner(organisation: "EAFC de Lyon"), at: now)
        #expect(local.derivedFrom == CourseVersionRef(courseID: "src", version: 1))
        #expect(local.draft?.activities == v1.content.activities)
        #expect(local.draft?.origin == .academy("lyon", sharedNationally: false))
        #expect(local.status == .draft)
    }

    @Test("the derived course's published version keeps derivedFrom, and it is behind once the source moves on")
    func behind() throws {
        var source = try Course.create(id: "src", draft: CourseSamples.draft(), at: now)
        let v1 = try source.publish(at: now)
        var local = try Course.derive(
            from: v1, id: "local", origin: .academy("lyon", sharedNationally: true),
            owner: CourseOwner(organisation: "EAFC de Lyon"), at: now)
        let published = try local.publish(at: now)
        #expect(published.event.derivedFrom == v1.ref)
        #expect(!local.isBehindSource(latestVersion: 1))
        try source.replaceDraft(with: CourseSamples.draft(title: "Nouvelle édition"), at: now)
        let v2 = try source.publish(at: now)
        #expect(local.isBehindSource(latestVersion: v2.number))
    }
}
