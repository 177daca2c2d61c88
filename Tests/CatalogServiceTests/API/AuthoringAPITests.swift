import CatalogService
import Contracts
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Designers author courses over HTTP")
struct AuthoringAPITests {
    @Test("creating a course returns 201, its Location, ETag and what still blocks publication")
    func create() async throws {
        let fixture = try await CatalogFixture.make()
        let designer = try await Callers.nationalDesigner()
        try await fixture.application.test(.router) { client in
            let response = try await client.send(.post, "/courses", json: Bodies.course(activities: []), as: designer)
            #expect(response.status == .created)
            let id = try #require(try response.object["courseID"] as? String)
            #expect(response.headers[.location] == "/courses/\(id)")
            #expect(response.eTag == "\"1\"")
            #expect(try response.object["status"] as? String == "draft")
            #expect(try response.problemFieldsOfIssues == ["activities"])
            let read = try await client.send(.get, "/courses/\(id)")
            #expect(read.status == .ok)
            #expect(try read.object["status"] as? String == "draft")
            #expect(try read.object["latestVersion"] as? Int == 0)
        }
    }

    @Test("publishing freezes numbered versions; editing after publication opens a new draft")
    func publishAndVersions() async throws {
        let fixture = try await CatalogFixture.make()
        let designer = try await Callers.nationalDesigner()
        try await fixture.application.test(.router) { client in
            let id = try await client.createCourse(as: designer)
            let first = try await client.send(.post, "/courses/\(id)/publish", as: designer)
            #expect(first.status == .created)
            #expect(first.headers[.location] == "/courses/\(id)/versions/1")
            let v1 = try first.decode(CoursePublished.self)
            #expect(v1.version == 1)
            #expect(v1.activities.map(\.id) == ["a1", "a2", "a3"])
            #expect(v1.inPersonMinutes == 180)
            #expect(v1.durationBucket == .from3To6h)

            let again = try await client.send(.post, "/courses/\(id)/publish", as: designer)
            #expect(again.status == .conflict)

            var edited = Bodies.course(title: "Comprendre les textes au CE1")
            edited["keywords"] = ["lecture", "compréhension"]
            let put = try await client.send(
                .put, "/courses/\(id)/draft", json: edited, headers: [.ifMatch: "\"2\""], as: designer)
            #expect(put.status == .ok)
            #expect(put.eTag == "\"3\"")
            #expect(try put.object["pendingChanges"] as? Bool == true)
            #expect(try put.object["basedOnVersion"] as? Int == 1)

            let second = try await client.send(.post, "/courses/\(id)/publish", as: designer)
            #expect(try second.decode(CoursePublished.self).version == 2)

            let history = try await client.send(.get, "/courses/\(id)/versions")
            let lines = try #require(try history.object["versions"] as? [[String: Any]])
            #expect(lines.compactMap { $0["version"] as? Int } == [1, 2])
            let old = try await client.send(.get, "/courses/\(id)/versions/1")
            #expect(try old.decode(CoursePublished.self) == v1)
            let course = try await client.send(.get, "/courses/\(id)")
            #expect(try course.object["latestVersion"] as? Int == 2)
            #expect(
                try (course.object["current"] as? [String: Any])?["title"] as? String == "Comprendre les textes au CE1")
            #expect(try await client.send(.get, "/courses/\(id)/versions/3").status == .notFound)
        }
        #expect(try await fixture.outboxTypes() == ["catalog.course.published.v1", "catalog.course.published.v1"])
    }

    @Test("activities are added, replaced, reordered and removed on the draft")
    func activities() async throws {
        let fixture = try await CatalogFixture.make()
        let designer = try await Callers.nationalDesigner()
        try await fixture.application.test(.router) { client in
            let id = try await client.createCourse(as: designer)
            var forum = Bodies.activity("Forum d'échanges", kind: "forum", minutes: 20)
            forum["position"] = 0
            let added = try await client.send(.post, "/courses/\(id)/draft/activities", json: forum, as: designer)
            #expect(added.status == .created)
            #expect(added.headers[.location] == "/courses/\(id)/draft/activities/a4")
            #expect(try added.activityIDs == ["a4", "a1", "a2", "a3"])

            let replaced = try await client.send(
                .put, "/courses/\(id)/draft/activities/a1", json: Bodies.activity("Vidéo courte", minutes: 10),
                as: designer)
            #expect(replaced.status == .ok)
            #expect(try replaced.activityTitles[1] == "Vidéo courte")

            let order = try await client.send(
                .put, "/courses/\(id)/draft/activity-order", json: ["activityIDs": ["a1", "a2", "a3", "a4"]],
                as: designer)
            #expect(try order.activityIDs == ["a1", "a2", "a3", "a4"])
            let badOrder = try await client.send(
                .put, "/courses/\(id)/draft/activity-order", json: ["activityIDs": ["a1"]], as: designer)
            #expect(badOrder.status == .unprocessableContent)
            #expect(try badOrder.problemFields == ["activityIDs"])

            let removed = try await client.send(.delete, "/courses/\(id)/draft/activities/a2", as: designer)
            #expect(try removed.activityIDs == ["a1", "a3", "a4"])
            #expect(
                try await client.send(.delete, "/courses/\(id)/draft/activities/a2", as: designer).status == .notFound)
            #expect(removed.eTag == "\"5\"")
        }
    }

    @Test("an archived course leaves the offer, stays readable and refuses every change with 409")
    func archive() async throws {
        let fixture = try await CatalogFixture.make()
        let designer = try await Callers.nationalDesigner()
        let lyon = try await Callers.designer(of: "lyon")
        try await fixture.application.test(.router) { client in
            let id = try await client.publishedCourse(as: designer)
            let archived = try await client.send(
                .post, "/courses/\(id)/archive", json: ["reason": "remplacé par un autre parcours"], as: designer)
            #expect(archived.status == .ok)
            #expect(try archived.object["status"] as? String == "archived")
            let edit = try await client.send(.put, "/courses/\(id)/draft", json: Bodies.course(), as: designer)
            #expect(edit.status == .conflict)
            #expect(try edit.object["currentState"] as? String == "archived")
            #expect(try await client.send(.post, "/courses/\(id)/archive", as: designer).status == .conflict)
            #expect(
                try await client.send(
                    .post, "/courses/\(id)/derive",
                    json: [
                        "origin": Origins.academy("lyon"), "owner": ["organisation": "EAFC"],
                    ], as: lyon
                ).status == .conflict)
            let listing = try await client.send(.get, "/courses")
            #expect(try listing.object["total"] as? Int == 0)
            let read5 = try await client.send(.get, "/courses/\(id)")
            #expect(try read5.object["status"] as? String == "archived")
        }
        #expect(try await fixture.outboxTypes() == ["catalog.course.published.v1", "catalog.course.archived.v1"])
    }

    @Test("an academy's designer derives a national course into their offer; the copy sees when its source moves on")
    func derive() async throws {
        let fixture = try await CatalogFixture.make()
        let national = try await Callers.nationalDesigner()
        let lyon = try await Callers.designer(of: "lyon")
        try await fixture.application.test(.router) { client in
            let source = try await client.publishedCourse(as: national)
            let derived = try await client.send(
                .post, "/courses/\(source)/derive",
                json: [
                    "version": 1, "title": "Compréhension au CE1 (Lyon)", "origin": Origins.academy("lyon"),
                    "owner": ["organisation": "EAFC de l'académie de Lyon"],
                ], as: lyon)
            #expect(derived.status == .created)
            let local = try #require(try derived.object["courseID"] as? String)
            let published = try await client.send(.post, "/courses/\(local)/publish", as: lyon)
            let event = try published.decode(CoursePublished.self)
            #expect(event.derivedFrom == CourseVersionRef(courseID: source, version: 1))
            #expect(event.origin == .academy("lyon", sharedNationally: false))
            let read6 = try await client.send(.get, "/courses/\(local)")
            #expect(try read6.source?["behind"] as? Bool == false)

            _ = try await client.send(
                .put, "/courses/\(source)/draft", json: Bodies.course(title: "Nouvelle édition"), as: national)
            _ = try await client.send(.post, "/courses/\(source)/publish", as: national)
            let behind = try await client.send(.get, "/courses/\(local)").source
            #expect(behind?["behind"] as? Bool == true)
            #expect(behind?["latestVersion"] as? Int == 2)

            let missing = try await client.send(
                .post, "/courses/\(source)/derive",
                json: [
                    "version": 9, "origin": Origins.national, "owner": ["organisation": "DGESCO"],
                ], as: national)
            #expect(missing.status == .unprocessableContent)
            #expect(try missing.problemFields == ["version"])
        }
    }
}

extension TestResponse {
    var activityIDs: [String] {
        get throws {
            ((try object["content"] as? [String: Any])?["activities"] as? [[String: Any]] ?? []).compactMap {
                $0["id"] as? String
            }
        }
    }

    var activityTitles: [String] {
        get throws {
            ((try object["content"] as? [String: Any])?["activities"] as? [[String: Any]] ?? []).compactMap {
                $0["title"] as? String
            }
        }
    }

    var problemFieldsOfIssues: [String] {
        get throws {
            ((try object["publicationIssues"] as? [[String: Any]]) ?? []).compactMap { $0["field"] as? String }
        }
    }

    var source: [String: Any]? {
        get throws { try object["source"] as? [String: Any] }
    }
}
