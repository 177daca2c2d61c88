import CatalogService
import Contracts
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Rejected requests are problems that name the field, and change nothing")
struct RejectedRequestTests {
    @Test("rule violations are 422 problems naming each field")
    func validation() async throws {
        let fixture = try await CatalogFixture.make()
        let designer = try await Callers.nationalDesigner()
        try await fixture.application.test(.router) { client in
            let response = try await client.send(
                .post, "/courses",
                json: Bodies.course(
                    title: " ",
                    activities: [
                        Bodies.activity("Quiz sans seuil", kind: "selfAssessmentQuiz", minutes: 10),
                        Bodies.activity("Durée négative", minutes: -5),
                    ]), as: designer)
            #expect(response.status == .unprocessableContent)
            #expect(response.headers[.contentType] == "application/problem+json")
            #expect(
                try response.problemFields == [
                    "title", "activities[0].passThreshold", "activities[1].estimatedMinutes",
                ])
        }
    }

    @Test("numbers at the edge of Int do not overflow: activity ids past a huge one, minutes at Int.max, twice")
    func numbersAtTheEdge() async throws {
        let fixture = try await CatalogFixture.make()
        let designer = try await Callers.nationalDesigner()
        try await fixture.application.test(.router) { client in
            // Given an activity id numbered Int.max and one without id (ids are assigned after the highest)
            var huge = Bodies.activity("Très haut")
            huge["id"] = "a\(Int.max)"
            let numbered = try await client.send(
                .post, "/courses", json: Bodies.course(activities: [huge, Bodies.activity("Sans id")]), as: designer)
            #expect(numbered.status == .created)
            let ids = try (numbered.object["content"] as? [String: Any])?["activities"] as? [[String: Any]]
            #expect(ids?.compactMap { $0["id"] as? String }.contains("a1") == true)
            // And minutes at Int.max on two activities: refused, the figures never summed past Int
            let minutes = try await client.send(
                .post, "/courses",
                json: Bodies.course(activities: [
                    Bodies.activity("A", minutes: Int.max), Bodies.activity("B", minutes: Int.max),
                ]),
                as: designer)
            #expect(minutes.status == .unprocessableContent)
            #expect(try await client.send(.get, "/courses", as: designer).status == .ok)
        }
        let draft = CourseSamples.draft(activities: [
            Activity(id: "a1", title: "A", kind: .video, estimatedMinutes: Int.max),
            Activity(id: "a2", title: "B", kind: .video, estimatedMinutes: Int.max),
        ])
        #expect(draft.figures.distanceMinutes == 2 * Activity.maximumMinutes, "each activity counts within its range")
    }

    @Test("publishing a course with no activity is a 422 naming 'activities'")
    func publishWithoutActivity() async throws {
        let fixture = try await CatalogFixture.make()
        let designer = try await Callers.nationalDesigner()
        try await fixture.application.test(.router) { client in
            let id = try await client.createCourse(Bodies.course(activities: []), as: designer)
            let response = try await client.send(.post, "/courses/\(id)/publish", as: designer)
            #expect(response.status == .unprocessableContent)
            #expect(try response.problemFields == ["activities"])
        }
    }

    @Test("a missing field, a wrong type and invalid JSON name what is wrong")
    func malformed() async throws {
        let fixture = try await CatalogFixture.make()
        let designer = try await Callers.nationalDesigner()
        try await fixture.application.test(.router) { client in
            var missing = Bodies.course()
            missing["owner"] = nil
            let noOwner = try await client.send(.post, "/courses", json: missing, as: designer)
            #expect(noOwner.status == .unprocessableContent)
            #expect(try noOwner.problemFields == ["owner"])
            var wrong = Bodies.course()
            wrong["activities"] = [["title": "Vidéo", "kind": "video", "estimatedMinutes": "trente"]]
            let wrongType = try await client.send(.post, "/courses", json: wrong, as: designer)
            #expect(wrongType.status == .unprocessableContent)
            #expect(try wrongType.problemFields == ["activities[0].estimatedMinutes"])
            let broken = try await client.send(
                .post, "/courses", raw: "{\"title\": ", contentType: "application/json", as: designer)
            #expect(broken.status == .badRequest)
        }
    }

    @Test("a body that is not JSON is 415, a body over 256 KiB is 413")
    func mediaTypeAndSize() async throws {
        let fixture = try await CatalogFixture.make()
        let designer = try await Callers.nationalDesigner()
        try await fixture.application.test(.router) { client in
            let text = try await client.send(.post, "/courses", raw: "title=x", contentType: "text/plain", as: designer)
            #expect(text.status == .unsupportedMediaType)
            let huge = Bodies.course(title: String(repeating: "é", count: 200_000))
            let tooLarge = try await client.send(.post, "/courses", json: huge, as: designer)
            #expect(tooLarge.status == .contentTooLarge)
            #expect(
                tooLarge.headers[.contentType] == "application/problem+json",
                "\(tooLarge.headers) \(String(buffer: tooLarge.body))")
        }
    }

    @Test("unknown courses and activities are 404 problems")
    func notFound() async throws {
        let fixture = try await CatalogFixture.make()
        let designer = try await Callers.nationalDesigner()
        try await fixture.application.test(.router) { client in
            #expect(try await client.send(.get, "/courses/crs-nope").status == .notFound)
            #expect(try await client.send(.get, "/courses/crs-nope/draft", as: designer).status == .notFound)
            #expect(try await client.send(.get, "/courses/crs-nope/versions").status == .notFound)
            let missing = try await client.send(.put, "/courses/crs-nope/draft", json: Bodies.course(), as: designer)
            #expect(missing.status == .notFound)
            #expect(try await client.send(.post, "/courses/crs-nope/publish", as: designer).status == .notFound)
            let id = try await client.createCourse(as: designer)
            let activity = try await client.send(
                .put, "/courses/\(id)/draft/activities/zz", json: Bodies.activity("x"), as: designer)
            #expect(activity.status == .notFound)
            #expect(activity.headers[.contentType] == "application/problem+json")
        }
    }

    @Test("a path segment that cannot be a course, activity or version id is a 404 that does not echo it")
    func malformedIDs() async throws {
        let fixture = try await CatalogFixture.make(seed: true)
        let designer = try await Callers.nationalDesigner()
        let long = String(repeating: "a", count: 65)
        try await fixture.application.test(.router) { client in
            let uris = [
                "/courses/\(long)", "/courses/a%20b", "/courses/%27%3B%20DROP%20TABLE%20catalog_course", "/courses/%00",
                "/courses/\(long)/versions", "/courses/seed-lecture-cp/versions/abc",
                "/courses/seed-lecture-cp/versions/-1",
                "/courses/seed-lecture-cp/versions/0", "/courses/seed-lecture-cp/versions/99999999999999999999",
            ]
            for uri in uris {
                let response = try await client.send(.get, uri)
                #expect(response.status == .notFound, "\(uri)")
                #expect(try (response.object["detail"] as? String)?.contains("DROP") != true)
            }
            let id = try await client.createCourse(as: designer)
            let before = try await fixture.dump()
            let authoring: [(HTTPRequest.Method, String, [String: Any]?)] = [
                (.get, "/courses/\(long)/draft", nil),
                (.put, "/courses/a%2Fb/draft", Bodies.course()),
                (.post, "/courses/%E2%80%AE/publish", nil),
                (.put, "/courses/\(id)/draft/activities/\(long)", Bodies.activity("x")),
                (.delete, "/courses/\(id)/draft/activities/a%3Cb%3E", nil),
            ]
            for (method, uri, body) in authoring {
                let response = try await client.send(method, uri, json: body, as: designer)
                #expect(response.status == .notFound, "\(method) \(uri)")
            }
            #expect(try await fixture.dump() == before)
        }
    }

    @Test("authoring routes take no query parameter: any is a 400 naming it, and changes nothing")
    func queryOnAuthoringRoutes() async throws {
        let fixture = try await CatalogFixture.make()
        let designer = try await Callers.nationalDesigner()
        try await fixture.application.test(.router) { client in
            let id = try await client.createCourse(as: designer)
            let before = try await fixture.dump()
            let requests: [(HTTPRequest.Method, String, [String: Any]?, String)] = [
                (.post, "/courses?draft=1", Bodies.course(), "draft"),
                (.get, "/courses/\(id)/draft?include=all", nil, "include"),
                (.put, "/courses/\(id)/draft?force=true", Bodies.course(), "force"),
                (.post, "/courses/\(id)/publish?version=9", nil, "version"),
                (.post, "/courses/\(id)/archive?reason=x", nil, "reason"),
            ]
            for (method, uri, body, parameter) in requests {
                let response = try await client.send(method, uri, json: body, as: designer)
                #expect(response.status == .badRequest, "\(method) \(uri)")
                #expect(try response.problemFields == [parameter])
            }
            #expect(try await fixture.dump() == before)
        }
    }

    @Test("a stale If-Match is a 412 naming the current ETag; the current one is accepted")
    func staleETag() async throws {
        let fixture = try await CatalogFixture.make()
        let designer = try await Callers.nationalDesigner()
        try await fixture.application.test(.router) { client in
            let id = try await client.createCourse(as: designer)
            let read = try await client.send(.get, "/courses/\(id)/draft", as: designer)
            let etag = try #require(read.eTag)
            _ = try await client.send(
                .put, "/courses/\(id)/draft", json: Bodies.course(title: "Autre titre"), headers: [.ifMatch: etag],
                as: designer)
            let stale = try await client.send(
                .put, "/courses/\(id)/draft", json: Bodies.course(title: "Perdu"), headers: [.ifMatch: etag],
                as: designer)
            #expect(stale.status == .preconditionFailed)
            #expect(try stale.object["currentETag"] as? String == "\"2\"")
            let stalePublish = try await client.send(
                .post, "/courses/\(id)/publish", headers: [.ifMatch: etag], as: designer)
            #expect(stalePublish.status == .preconditionFailed)
            let garbage = try await client.send(
                .post, "/courses/\(id)/publish", headers: [.ifMatch: "nonsense"], as: designer)
            #expect(garbage.status == .preconditionFailed)
            let fresh = try await client.send(
                .post, "/courses/\(id)/publish", headers: [.ifMatch: "\"2\""], as: designer)
            #expect(fresh.status == .created)
            let read4 = try await client.send(.get, "/courses/\(id)/draft", as: designer)
            #expect(
                try read4.object["content"].flatMap { ($0 as? [String: Any])?["title"] as? String } == "Autre titre")
        }
    }

    @Test("a rejected request leaves the store exactly as it was")
    func storeUnchanged() async throws {
        let fixture = try await CatalogFixture.make()
        let designer = try await Callers.nationalDesigner()
        try await fixture.application.test(.router) { client in
            let id = try await client.publishedCourse(as: designer)
            _ = try await client.send(
                .put, "/courses/\(id)/draft", json: Bodies.course(title: "Brouillon en cours"), as: designer)
            let empty = try await client.createCourse(
                Bodies.course(title: "Sans activité", activities: []), as: designer)
            let before = try await fixture.dump()
            let rejected: [(HTTPRequest.Method, String, [String: Any]?, HTTPFields, HTTPResponse.Status)] = [
                (.put, "/courses/\(id)/draft", Bodies.course(title: ""), [:], .unprocessableContent),
                (
                    .put, "/courses/\(id)/draft", Bodies.course(title: "Concurrent"), [.ifMatch: "\"1\""],
                    .preconditionFailed
                ),
                (
                    .post, "/courses/\(id)/draft/activities", Bodies.activity("Quiz", kind: "selfAssessmentQuiz"), [:],
                    .unprocessableContent
                ),
                (
                    .post, "/courses/\(id)/draft/activities", Bodies.activity("Zéro", minutes: 0), [:],
                    .unprocessableContent
                ),
                (
                    .post, "/courses/\(id)/draft/activities",
                    ["id": "a1", "title": "Doublon", "kind": "video", "estimatedMinutes": 5], [:], .unprocessableContent
                ),
                (
                    .put, "/courses/\(id)/draft/activity-order", ["activityIDs": ["a3", "a3", "a1"]], [:],
                    .unprocessableContent
                ),
                (.delete, "/courses/\(id)/draft/activities/a9", nil, [:], .notFound),
                (.post, "/courses/\(empty)/publish", nil, [:], .unprocessableContent),
                (.post, "/courses/\(id)/publish", nil, [.ifMatch: "\"1\""], .preconditionFailed),
                (.post, "/courses/\(id)/archive", nil, [.ifMatch: "\"99\""], .preconditionFailed),
                (
                    .post, "/courses/\(empty)/derive",
                    ["origin": ["kind": "national", "sharedNationally": true], "owner": ["organisation": "DGESCO"]],
                    [:], .conflict
                ),
                (
                    .post, "/courses/\(id)/derive",
                    ["origin": ["kind": "academy", "sharedNationally": true], "owner": ["organisation": "EAFC"]], [:],
                    .unprocessableContent
                ),
            ]
            for (method, uri, body, headers, status) in rejected {
                let response = try await client.send(method, uri, json: body, headers: headers, as: designer)
                #expect(response.status == status, "\(method) \(uri): \(String(buffer: response.body))")
            }
            let text = try await client.send(
                .put, "/courses/\(id)/draft", raw: "x", contentType: "text/plain", as: designer)
            #expect(text.status == .unsupportedMediaType)
            #expect(try await fixture.dump() == before)
        }
    }
}
