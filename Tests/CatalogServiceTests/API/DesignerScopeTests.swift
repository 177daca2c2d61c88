import CatalogService
import Contracts
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Designers author their own scope's courses; another scope's are refused with 403 and left unchanged")
struct DesignerScopeTests {
    /// One published course of each scope, each written by a designer of that scope.
    struct Offer {
        var national: String
        var lyon: String
        var creteil: String

        static func publish(with client: any TestClientProtocol) async throws -> Offer {
            Offer(
                national: try await client.publishedCourse(as: try await Callers.nationalDesigner()),
                lyon: try await client.publishedCourse(
                    Bodies.course(title: "Le numérique au collège", origin: Origins.academy("lyon")),
                    as: try await Callers.designer(of: "lyon")),
                creteil: try await client.publishedCourse(
                    Bodies.course(
                        title: "Accueillir les élèves allophones", origin: Origins.academy("creteil", shared: true)),
                    as: try await Callers.designer(of: "creteil")))
        }
    }

    /// Every designer operation on course `id`, with bodies that would succeed in the right scope;
    /// `origin` is the one the intruder would like the course to have (their own).
    static func attempts(
        on id: String, origin: [String: Any]
    ) -> [(HTTPRequest.Method, String, [String: Any]?, HTTPFields)] {
        [
            (.get, "/courses/\(id)/draft", nil, [:]),
            (.put, "/courses/\(id)/draft", Bodies.course(title: "Repris", origin: origin), [:]),
            (.put, "/courses/\(id)/draft", Bodies.course(title: "Repris"), [.ifMatch: "\"99\""]),
            (.post, "/courses/\(id)/draft/activities", Bodies.activity("Activité ajoutée"), [:]),
            (.put, "/courses/\(id)/draft/activities/a1", Bodies.activity("Activité remplacée"), [:]),
            (.delete, "/courses/\(id)/draft/activities/a2", nil, [:]),
            (.put, "/courses/\(id)/draft/activity-order", ["activityIDs": ["a3", "a2", "a1"]], [:]),
            (.post, "/courses/\(id)/publish", nil, [:]),
            (.post, "/courses/\(id)/archive", ["reason": "retiré par une autre académie"], [:]),
        ]
    }

    /// Plays every attempt on `id` as `intruder`: each is a 403 problem, and the store (courses,
    /// versions, outbox) is exactly as it was.
    static func expectRefused(
        on id: String, as intruder: HTTPFields, origin: [String: Any], client: any TestClientProtocol,
        fixture: CatalogFixture
    ) async throws {
        let before = try await fixture.dump()
        for (method, uri, body, headers) in attempts(on: id, origin: origin) {
            let response = try await client.send(method, uri, json: body, headers: headers, as: intruder)
            #expect(response.status == .forbidden, "\(method) \(uri): \(String(buffer: response.body))")
            #expect(response.headers[.contentType] == "application/problem+json")
            #expect(try response.object["type"] as? String == "urn:magistere:problem:forbidden")
            #expect(response.eTag == nil, "a refused caller learns nothing of the course's revision")
        }
        #expect(try await fixture.dump() == before)
    }

    @Test("an academy's designer cannot read the draft of, edit, publish or archive a national course")
    func academyDesignerOnNationalCourse() async throws {
        let fixture = try await CatalogFixture.make()
        let lyon = try await Callers.designer(of: "lyon")
        try await fixture.application.test(.router) { client in
            let offer = try await Offer.publish(with: client)
            try await Self.expectRefused(
                on: offer.national, as: lyon, origin: Origins.academy("lyon"), client: client, fixture: fixture)
        }
    }

    @Test("a designer of lyon cannot read the draft of, edit, publish or archive a course of creteil")
    func designerOfAnotherAcademy() async throws {
        let fixture = try await CatalogFixture.make()
        let lyon = try await Callers.designer(of: "lyon")
        try await fixture.application.test(.router) { client in
            let offer = try await Offer.publish(with: client)
            try await Self.expectRefused(
                on: offer.creteil, as: lyon, origin: Origins.academy("lyon"), client: client, fixture: fixture)
        }
    }

    @Test("a national designer cannot read the draft of, edit, publish or archive an academy's course")
    func nationalDesignerOnAcademyCourse() async throws {
        let fixture = try await CatalogFixture.make()
        let national = try await Callers.nationalDesigner()
        try await fixture.application.test(.router) { client in
            let offer = try await Offer.publish(with: client)
            try await Self.expectRefused(
                on: offer.lyon, as: national, origin: Origins.national, client: client, fixture: fixture)
        }
    }

    @Test(
        "creating a course of another scope is 403 and stores nothing",
        arguments: [
            ("lyon", "national"), ("lyon", "creteil"), (nil, "lyon"),
        ] as [(String?, String)])
    func creatingOutsideScope(designerAcademy: String?, courseOrigin: String) async throws {
        let fixture = try await CatalogFixture.make()
        let designer = try await TestAuth.headers("d-0001", .designer, academy: designerAcademy)
        try await fixture.application.test(.router) { client in
            let origin = courseOrigin == "national" ? Origins.national : Origins.academy(courseOrigin)
            let before = try await fixture.dump()
            let response = try await client.send(.post, "/courses", json: Bodies.course(origin: origin), as: designer)
            #expect(response.status == .forbidden)
            #expect(response.headers[.location] == nil)
            #expect(try await fixture.dump() == before)
        }
    }

    @Test("deriving into another scope is 403 and stores nothing, whatever the source")
    func derivingOutsideScope() async throws {
        let fixture = try await CatalogFixture.make()
        let lyon = try await Callers.designer(of: "lyon")
        let national = try await Callers.nationalDesigner()
        try await fixture.application.test(.router) { client in
            let offer = try await Offer.publish(with: client)
            let before = try await fixture.dump()
            let attempts: [(String, [String: Any], HTTPFields)] = [
                (offer.national, Origins.academy("creteil"), lyon),
                (offer.national, Origins.national, lyon),
                (offer.creteil, Origins.academy("creteil", shared: true), lyon),
                (offer.lyon, Origins.academy("lyon"), national),
            ]
            for (source, origin, designer) in attempts {
                let response = try await client.send(
                    .post, "/courses/\(source)/derive", json: ["origin": origin, "owner": ["organisation": "EAFC"]],
                    as: designer)
                #expect(response.status == .forbidden, "\(source) → \(origin)")
            }
            #expect(try await fixture.dump() == before)
        }
    }

    @Test("a designer cannot move their own course to another scope: 403, and the course is unchanged")
    func movingOwnCourseOutOfScope() async throws {
        let fixture = try await CatalogFixture.make()
        let lyon = try await Callers.designer(of: "lyon")
        try await fixture.application.test(.router) { client in
            let offer = try await Offer.publish(with: client)
            let before = try await fixture.dump()
            for origin in [Origins.national, Origins.academy("creteil", shared: true)] {
                let response = try await client.send(
                    .put, "/courses/\(offer.lyon)/draft", json: Bodies.course(title: "Déplacé", origin: origin),
                    as: lyon)
                #expect(response.status == .forbidden)
            }
            #expect(try await fixture.dump() == before)
        }
    }

    @Test("an unknown course is 404 for every designer, whatever their scope")
    func unknownCourseStaysNotFound() async throws {
        let fixture = try await CatalogFixture.make()
        let lyon = try await Callers.designer(of: "lyon")
        try await fixture.application.test(.router) { client in
            for (method, uri, body, headers) in Self.attempts(on: "crs-unknown", origin: Origins.academy("lyon")) {
                let response = try await client.send(method, uri, json: body, headers: headers, as: lyon)
                #expect(response.status == .notFound, "\(method) \(uri)")
            }
        }
    }

    @Test(
        "an academy's designer writes, publishes and archives their academy's courses, and derives any published course into them"
    )
    func ownScopeSucceeds() async throws {
        let fixture = try await CatalogFixture.make()
        let lyon = try await Callers.designer(of: "lyon", "d-lyon-7")
        try await fixture.application.test(.router) { client in
            let offer = try await Offer.publish(with: client)
            let draft = try await client.send(.get, "/courses/\(offer.lyon)/draft", as: lyon)
            #expect(draft.status == .ok)
            let shared = Bodies.course(title: "Le numérique au lycée", origin: Origins.academy("lyon", shared: true))
            let edits: [(HTTPRequest.Method, String, [String: Any]?, HTTPResponse.Status)] = [
                (.put, "/courses/\(offer.lyon)/draft", shared, .ok),
                (.post, "/courses/\(offer.lyon)/draft/activities", Bodies.activity("Forum", kind: "forum"), .created),
                (.put, "/courses/\(offer.lyon)/draft/activities/a1", Bodies.activity("Vidéo courte", minutes: 10), .ok),
                (.delete, "/courses/\(offer.lyon)/draft/activities/a4", nil, .ok),
                (.put, "/courses/\(offer.lyon)/draft/activity-order", ["activityIDs": ["a3", "a2", "a1"]], .ok),
            ]
            for (method, uri, body, status) in edits {
                let response = try await client.send(method, uri, json: body, as: lyon)
                #expect(response.status == status, "\(method) \(uri): \(String(buffer: response.body))")
            }
            let published = try await client.send(.post, "/courses/\(offer.lyon)/publish", as: lyon)
            #expect(published.status == .created)
            let version = try published.decode(CoursePublished.self)
            #expect(version.version == 2)
            #expect(version.owner.designerID == "d-lyon-7", "the publisher's id comes from the token")

            for source in [offer.national, offer.creteil] {
                let derived = try await client.send(
                    .post, "/courses/\(source)/derive",
                    json: ["origin": Origins.academy("lyon"), "owner": ["organisation": "EAFC de Lyon"]], as: lyon)
                #expect(derived.status == .created, "\(String(buffer: derived.body))")
            }
            let archived = try await client.send(.post, "/courses/\(offer.lyon)/archive", as: lyon)
            #expect(archived.status == .ok)
        }
    }
}

@Suite("A designer's desk lists the drafts of their own offer only")
struct DesignerDraftListTests {
    @Test(
        "GET /drafts: drafts and pending changes of the caller's scope, newest change first; no published-only course")
    func ownDrafts() async throws {
        let fixture = try await CatalogFixture.make()
        let lyon = try await Callers.designer(of: "lyon")
        let national = try await Callers.nationalDesigner()
        try await fixture.application.test(.router) { client in
            let published = try await client.publishedCourse(
                Bodies.course(title: "Publié sans changement", origin: Origins.academy("lyon")), as: lyon)
            let created = try await client.send(
                .post, "/courses", json: Bodies.course(title: "Brouillon de Lyon", origin: Origins.academy("lyon")),
                as: lyon)
            #expect(created.status == .created)
            let draftID = try #require(try created.object["courseID"] as? String)
            let changed = try await client.publishedCourse(
                Bodies.course(title: "Publié puis modifié", origin: Origins.academy("lyon")), as: lyon)
            let edit = try await client.send(
                .put, "/courses/\(changed)/draft",
                json: Bodies.course(title: "Publié puis modifié, v2", origin: Origins.academy("lyon")), as: lyon)
            #expect(edit.status == .ok)
            _ = try await client.send(.post, "/courses", json: Bodies.course(title: "Brouillon national"), as: national)

            let list = try await client.send(.get, "/drafts", as: lyon)
            #expect(list.status == .ok)
            let drafts = try #require(try list.object["drafts"] as? [[String: Any]])
            #expect(drafts.compactMap { $0["courseID"] as? String } == [changed, draftID])
            #expect(!drafts.contains { $0["courseID"] as? String == published })
            let nationalList = try await client.send(.get, "/drafts", as: national)
            #expect((try nationalList.object["drafts"] as? [[String: Any]])?.count == 1)
            let teacher = try await client.send(.get, "/drafts", as: try await TestAuth.headers("t-1", .participant))
            #expect(teacher.status == .forbidden)
        }
    }
}
