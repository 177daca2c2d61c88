import Contracts
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import TrackingService

/// The xAPI 1.0.3 Statements resource.
@Suite("xAPI statements")
struct XAPIStatementsTests {
    static let versionHeader = HTTPField.Name("X-Experience-API-Version")!
    static let enrolment = "7f2c1d0e-4b6a-4c55-9a1e-0d1f2a3b4c5d"

    /// The xAPI headers (JSON, version 1.0.3) and `caller`'s token.
    static func xapi(_ caller: HTTPFields) -> HTTPFields {
        var headers: HTTPFields = [.contentType: "application/json", versionHeader: "1.0.3"]
        headers.append(contentsOf: caller)
        return headers
    }

    /// Alice (`p-alice`), the participant the statements are about by default.
    static func alice() async throws -> HTTPFields { xapi(try await Callers.participant("p-alice")) }

    static func statement(
        id: String? = nil, verb: String = "http://adlnet.gov/expapi/verbs/completed",
        object: String = XAPIVocabulary.activityIRI(courseID: Plan.courseID, activityID: "video"),
        participant: String = "p-alice", registration: String? = enrolment, result: String? = nil
    ) -> String {
        var members = [
            #""actor": {"objectType": "Agent", "name": "Alice Martin", "account": {"homePage": "https://magistere.education.gouv.fr", "name": "\#(participant)"}}"#,
            #""verb": {"id": "\#(verb)", "display": {"en-US": "did"}}"#,
            #""object": {"objectType": "Activity", "id": "\#(object)"}"#,
        ]
        if let id { members.append(#""id": "\#(id)""#) }
        if let registration { members.append(#""context": {"registration": "\#(registration)"}"#) }
        if let result { members.append(#""result": \#(result)"#) }
        return "{" + members.joined(separator: ", ") + "}"
    }

    /// A statement by `participant` voiding statement `target`.
    static func voiding(_ target: String, by participant: String) -> String {
        #"{"actor": {"account": {"homePage": "https://magistere.education.gouv.fr", "name": "\#(participant)"}}, "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"}, "object": {"objectType": "StatementRef", "id": "\#(target)"}}"#
    }

    static func header(_ response: TestResponse, _ name: String) -> String? {
        response.headers[HTTPField.Name(name)!]
    }

    @Test("the version header is required on requests and sent on every response, errors included")
    func versionHeader() async throws {
        let fixture = try await TrackingFixture.make()
        let alice = try await Self.alice()
        try await fixture.application.test(.router) { client in
            let missing = try await client.send(
                .post, "/xapi/statements", raw: Self.statement(), headers: alice.setting(Self.versionHeader, nil))
            #expect(missing.status == .badRequest)
            #expect(Self.header(missing, "X-Experience-API-Version") == "1.0.3")
            let forbidden = try await client.send(
                .post, "/xapi/statements", raw: Self.statement(participant: "p-bob", registration: nil), headers: alice)
            #expect(forbidden.status == .forbidden)
            #expect(forbidden.headers[.contentType] == "application/problem+json")
            #expect(Self.header(forbidden, "X-Experience-API-Version") == "1.0.3")
            let ok = try await client.send(
                .post, "/xapi/statements", raw: Self.statement(registration: nil), headers: alice)
            #expect(ok.status == .ok)
            #expect(Self.header(ok, "X-Experience-API-Version") == "1.0.3")
            #expect(Self.header(ok, "X-Experience-API-Consistent-Through").flatMap(Timestamp.parse) != nil)
            let about = try await client.execute(uri: "/xapi/about", method: .get)
            #expect(about.text.contains("1.0.3"))
        }
    }

    @Test("a stored statement is found by id with id, stored and timestamp set, and without the actor's name")
    func storeAndGet() async throws {
        let fixture = try await TrackingFixture.make()
        let alice = try await Self.alice()
        try await fixture.application.test(.router) { client in
            let posted = try await client.send(
                .post, "/xapi/statements", raw: Self.statement(registration: nil), headers: alice)
            let ids = try JSONDecoder().decode([String].self, from: Data(posted.body.readableBytesView))
            let id = try #require(ids.first)
            let got = try await client.execute(uri: "/xapi/statements?statementId=\(id)", method: .get, headers: alice)
            #expect(got.status == .ok)
            #expect(got.json["id"] as? String == id)
            #expect(got.json["stored"] != nil)
            #expect(got.json["timestamp"] != nil)
            #expect((got.json["actor"] as? [String: Any])?["name"] == nil)
            #expect(!got.text.contains("Alice Martin"))
            let missing = try await client.execute(
                uri: "/xapi/statements?statementId=\(UUID().uuidString)", method: .get, headers: alice)
            #expect(missing.status == .notFound)
        }
    }

    @Test("PUT stores under statementId; the same statement again is a no-op, a different one a 409")
    func putAndConflict() async throws {
        let fixture = try await TrackingFixture.make()
        let alice = try await Self.alice()
        let id = UUID().uuidString.lowercased()
        try await fixture.application.test(.router) { client in
            let first = try await client.send(
                .put, "/xapi/statements?statementId=\(id)", raw: Self.statement(registration: nil), headers: alice)
            let again = try await client.send(
                .put, "/xapi/statements?statementId=\(id)", raw: Self.statement(registration: nil), headers: alice)
            let viaPost = try await client.send(
                .post, "/xapi/statements", raw: Self.statement(id: id, registration: nil), headers: alice)
            let other = try await client.send(
                .put, "/xapi/statements?statementId=\(id)",
                raw: Self.statement(verb: "http://adlnet.gov/expapi/verbs/failed", registration: nil), headers: alice)
            #expect(first.status == .noContent)
            #expect(again.status == .noContent)
            #expect(viaPost.status == .ok)
            #expect(other.status == .conflict)
            let noID = try await client.send(
                .put, "/xapi/statements", raw: Self.statement(registration: nil), headers: alice)
            #expect(noID.status == .badRequest)
        }
        #expect(try await fixture.rowCount("xapi_statement") == 1)
    }

    @Test("invalid statements and unknown parameters are 400, and a bad batch stores nothing")
    func invalid() async throws {
        let fixture = try await TrackingFixture.make()
        let alice = try await Self.alice()
        try await fixture.application.test(.router) { client in
            let noActor = try await client.send(
                .post, "/xapi/statements",
                raw: #"{"verb": {"id": "http://adlnet.gov/expapi/verbs/completed"}, "object": {"id": "http://x/y"}}"#,
                headers: alice)
            #expect(noActor.status == .badRequest)
            let batch = "[\(Self.statement(registration: nil)), {\"actor\": {\"mbox\": \"alice@example.org\"}}]"
            let badBatch = try await client.send(.post, "/xapi/statements", raw: batch, headers: alice)
            #expect(badBatch.status == .badRequest)
            let unknown = try await client.execute(uri: "/xapi/statements?colour=blue", method: .get, headers: alice)
            #expect(unknown.status == .badRequest)
        }
        #expect(try await fixture.rowCount("xapi_statement") == 0)
    }

    @Test("voiding hides a statement from id lookups and queries, and shows it by voidedStatementId")
    func voiding() async throws {
        let fixture = try await TrackingFixture.make()
        let alice = try await Self.alice()
        let target = UUID().uuidString.lowercased()
        try await fixture.application.test(.router) { client in
            try await client.send(
                .put, "/xapi/statements?statementId=\(target)", raw: Self.statement(registration: nil), headers: alice)
            let voiding = Self.voiding(target, by: "p-alice")
            let voided = try await client.send(.post, "/xapi/statements", raw: voiding, headers: alice)
            #expect(voided.status == .ok)
            #expect(
                try await client.execute(uri: "/xapi/statements?statementId=\(target)", method: .get, headers: alice)
                    .status == .notFound)
            #expect(
                try await client.execute(
                    uri: "/xapi/statements?voidedStatementId=\(target)", method: .get, headers: alice
                ).status == .ok)
            let all = try await client.execute(uri: "/xapi/statements", method: .get, headers: alice)
            #expect((all.json["statements"] as? [[String: Any]])?.count == 1, "only the voiding statement")
            let voidingID = try #require(
                try JSONDecoder().decode([String].self, from: Data(voided.body.readableBytesView)).first)
            let voidTheVoid = Self.voiding(voidingID, by: "p-alice")
            #expect(
                try await client.send(.post, "/xapi/statements", raw: voidTheVoid, headers: alice).status == .badRequest
            )
        }
    }

    @Test("queries filter by agent, verb and activity, and page with a 'more' link, over the caller's statements")
    func queries() async throws {
        let fixture = try await TrackingFixture.make()
        let alice = try await Self.alice()
        let bob = Self.xapi(try await Callers.participant("p-bob"))
        try await fixture.application.test(.router) { client in
            for index in 0..<6 {
                let posted = try await client.send(
                    .post, "/xapi/statements",
                    raw: Self.statement(
                        verb: index % 2 == 0
                            ? "http://adlnet.gov/expapi/verbs/completed" : "http://adlnet.gov/expapi/verbs/failed",
                        participant: index < 5 ? "p-alice" : "p-bob", registration: nil),
                    headers: index < 5 ? alice : bob)
                #expect(posted.status == .ok)
            }
            let agent = #"{"account":{"homePage":"https://magistere.education.gouv.fr","name":"p-alice"}}"#
                .addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let byAgent = try await client.execute(uri: "/xapi/statements?agent=\(agent)", method: .get, headers: alice)
            #expect((byAgent.json["statements"] as? [Any])?.count == 5)
            let byVerb = try await client.execute(
                uri: "/xapi/statements?verb=http%3A%2F%2Fadlnet.gov%2Fexpapi%2Fverbs%2Ffailed", method: .get,
                headers: alice)
            #expect((byVerb.json["statements"] as? [Any])?.count == 2)

            var seen: [String] = []
            var uri = "/xapi/statements?limit=2&ascending=true"
            for _ in 0..<5 {
                let page = try await client.execute(uri: uri, method: .get, headers: alice)
                seen += ((page.json["statements"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String }
                let more = page.json["more"] as? String ?? ""
                if more.isEmpty { break }
                #expect(more.hasPrefix("/xapi/statements?"))
                uri = more
            }
            #expect(seen.count == 5, "Alice's five; Bob's statement is not hers to read")
            #expect(Set(seen).count == 5)
        }
    }

    @Test("statements about an enrolment's activities update progress like the JSON API, once")
    func progressFromStatements() async throws {
        let fixture = try await TrackingFixture.make()
        let alice = try await Self.alice()
        try await fixture.seed(enrolments: [Self.enrolment: "p-alice"])
        try await fixture.application.test(.router) { client in
            let watched = Self.statement(id: UUID().uuidString, result: #"{"duration": "PT25M", "completion": true}"#)
            #expect(try await client.send(.post, "/xapi/statements", raw: watched, headers: alice).status == .ok)
            #expect(try await client.send(.post, "/xapi/statements", raw: watched, headers: alice).status == .ok)
            let quiz = XAPIVocabulary.activityIRI(courseID: Plan.courseID, activityID: "quiz")
            try await client.send(
                .post, "/xapi/statements",
                raw: Self.statement(
                    verb: "http://adlnet.gov/expapi/verbs/failed", object: quiz, result: #"{"score": {"scaled": 0.5}}"#),
                headers: alice)
            try await client.send(
                .post, "/xapi/statements",
                raw: Self.statement(
                    verb: "http://adlnet.gov/expapi/verbs/passed", object: quiz, result: #"{"score": {"scaled": 0.9}}"#),
                headers: alice)
            let meeting = XAPIVocabulary.activityIRI(courseID: Plan.courseID, activityID: "meeting")
            try await client.send(
                .post, "/xapi/statements",
                raw: Self.statement(verb: "http://adlnet.gov/expapi/verbs/attended", object: meeting), headers: alice)
            // Someone else's statement about Alice's registration is refused, whoever sends it.
            let forum = XAPIVocabulary.activityIRI(courseID: Plan.courseID, activityID: "forum")
            let mallory = Self.xapi(try await Callers.participant("p-mallory"))
            #expect(
                try await client.send(
                    .post, "/xapi/statements", raw: Self.statement(object: forum, participant: "p-mallory"),
                    headers: mallory
                ).status == .forbidden)
            #expect(
                try await client.send(
                    .post, "/xapi/statements", raw: Self.statement(object: forum, participant: "p-mallory"),
                    headers: alice
                ).status == .forbidden)
            let tooLong = try await client.send(
                .post, "/xapi/statements",
                raw: Self.statement(
                    verb: "http://adlnet.gov/expapi/verbs/progressed", result: #"{"duration": "PT9H"}"#), headers: alice
            )
            #expect(tooLong.status == .badRequest)

            let view = try await client.execute(
                uri: "/enrolments/\(Self.enrolment)/progress", method: .get,
                headers: try await Callers.participant("p-alice")
            ).decode(EnrolmentProgressView.self)
            let video = try #require(view.activities.first { $0.activityID == "video" })
            #expect(video.done)
            #expect(video.secondsSpent == 1500, "the repeated statement added nothing")
            #expect(view.activities.first { $0.activityID == "quiz" }?.bestScore == 0.9)
            // Her own 'attended' is a claim: the meeting counts once her trainer's sheet says she was there.
            let meetingView = view.activities.first { $0.activityID == "meeting" }
            #expect(meetingView?.attendance == nil)
            #expect(meetingView?.attendanceClaimedAt != nil)
            #expect(view.activities.first { $0.activityID == "forum" }?.done == false)
            #expect(view.completion == nil)
            let sheet = AttendanceSheet(
                activityID: "meeting", entries: [.init(enrolmentID: Self.enrolment, status: .present)])
            let recorded = try await client.send(
                .post, "/sessions/\(fixture.sessionID)/attendance", json: sheet, headers: try await Callers.trainer())
            #expect(recorded.status == .ok)
        }
        #expect(try await fixture.outboxMessages(type: "tracking.course.completed.v1").count == 1)
    }

    @Test(
        "a batch of statements records and announces what the same statements sent one by one do: each activity once with its score then, the course once with its hours and criteria then"
    )
    func batchEqualsOneByOne() async throws {
        // Given two participants the trainer's sheet says were at the meeting; Alice sends a batch, Bob the same
        // statements one at a time: the course completes at the quiz passed with 0.9, then an optional forum is done
        // (45 more minutes) and the quiz passed again with 0.95
        let fixture = try await TrackingFixture.make()
        let (aliceEnrolment, bobEnrolment) = (Self.enrolment, "5b1e8c3a-2f4d-4e6a-8b7c-9d0e1f2a3b4c")
        try await fixture.seed(enrolments: [aliceEnrolment: "p-alice", bobEnrolment: "p-bob"])
        @Sendable func statements(of participant: String, _ registration: String) -> [String] {
            func statement(_ verb: String, _ activity: String, _ result: String? = nil) -> String {
                Self.statement(
                    verb: "http://adlnet.gov/expapi/verbs/\(verb)",
                    object: XAPIVocabulary.activityIRI(courseID: Plan.courseID, activityID: activity),
                    participant: participant, registration: registration, result: result)
            }
            return [
                statement("progressed", "video", #"{"duration": "PT10M"}"#),
                statement("failed", "quiz", #"{"score": {"scaled": 0.5}}"#),
                statement("completed", "video", #"{"duration": "PT15M"}"#),
                statement("attended", "meeting"),
                statement("passed", "quiz", #"{"score": {"scaled": 0.9}}"#),
                statement("completed", "forum", #"{"duration": "PT5M"}"#),
                statement("progressed", "video", #"{"duration": "PT3M"}"#),
                statement("passed", "quiz", #"{"score": {"scaled": 0.95}}"#),
            ]
        }
        let alice = Self.xapi(try await Callers.participant("p-alice"))
        let bob = Self.xapi(try await Callers.participant("p-bob"))
        try await fixture.application.test(.router) { client in
            let sheet = AttendanceSheet(
                activityID: "meeting",
                entries: [aliceEnrolment, bobEnrolment].map { .init(enrolmentID: $0, status: .present) })
            let recorded = try await client.send(
                .post, "/sessions/\(fixture.sessionID)/attendance", json: sheet, headers: try await Callers.trainer())
            #expect(recorded.status == .ok)
            // When Alice's statements go as one batch, Bob's one request each
            let batch = "[" + statements(of: "p-alice", aliceEnrolment).joined(separator: ",") + "]"
            #expect(try await client.send(.post, "/xapi/statements", raw: batch, headers: alice).status == .ok)
            for single in statements(of: "p-bob", bobEnrolment) {
                #expect(try await client.send(.post, "/xapi/statements", raw: single, headers: bob).status == .ok)
            }

            // Then their progress is the same
            for (enrolment, caller) in [(aliceEnrolment, "p-alice"), (bobEnrolment, "p-bob")] {
                let view = try await client.execute(
                    uri: "/enrolments/\(enrolment)/progress", method: .get,
                    headers: try await Callers.participant(caller)
                ).decode(EnrolmentProgressView.self)
                #expect(view.activities.first { $0.activityID == "video" }?.secondsSpent == 28 * 60)
                #expect(view.activities.first { $0.activityID == "quiz" }?.bestScore == 0.95)
                #expect(
                    view.activities.filter(\.done).map(\.activityID).sorted() == ["forum", "meeting", "quiz", "video"])
            }
        }
        // And so is what was announced: each activity once per enrolment, in the order it was done, the quiz with the
        // score that passed it
        let activities = try await fixture.outboxMessages(type: "tracking.activity.completed.v1").map {
            try EventCoding.decode(CloudEvent<ActivityCompleted>.self, from: $0.body).data
        }
        for enrolment in [aliceEnrolment, bobEnrolment] {
            let announced = activities.filter { $0.enrolmentID == enrolment }
            #expect(announced.map(\.activityID) == ["meeting", "video", "quiz", "forum"])
            #expect(announced.first { $0.activityID == "quiz" }?.score == 0.9)
        }
        // the course once each, with the hours and criteria of when it completed (the forum came after)
        let completions = try await fixture.outboxMessages(type: "tracking.course.completed.v1").map {
            try EventCoding.decode(CloudEvent<CourseCompleted>.self, from: $0.body).data
        }
        #expect(completions.map(\.enrolmentID).sorted() == [aliceEnrolment, bobEnrolment].sorted())
        for completion in completions {
            #expect(completion.distanceMinutes == 50 && completion.inPersonMinutes == 180, "\(completion)")
        }
        #expect(Set(completions.map(\.criteriaMet)).count == 1)
    }

    @Test("format: exact as stored, ids only what identifies, canonical one language per map (Accept-Language)")
    func formats() async throws {
        let fixture = try await TrackingFixture.make()
        let alice = try await Self.alice()
        let id = "3b1c9e2a-7f4d-4c6e-8a5b-1d2e3f4a5b6c"
        let activity = XAPIVocabulary.activityIRI(courseID: Plan.courseID, activityID: "video")
        let statement = """
            {"id": "\(id)",
             "actor": {"objectType": "Agent", "account": {"homePage": "https://magistere.education.gouv.fr", "name": "p-alice"}},
             "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced", "display": {"en-US": "experienced", "fr-FR": "a vu"}},
             "object": {"objectType": "Activity", "id": "\(activity)",
                        "definition": {"name": {"en-US": "Video", "fr-FR": "Vidéo"}, "description": {"fr-FR": "La vidéo"}}},
             "context": {"contextActivities": {"parent": [{"id": "https://example.org/course",
                         "definition": {"name": {"en-GB": "Course", "fr-FR": "Parcours"}}}]}},
             "result": {"duration": "PT1M"}}
            """
        try await fixture.application.test(.router) { client in
            let posted = try await client.send(.post, "/xapi/statements", raw: statement, headers: alice)
            #expect(posted.status == .ok, "\(String(buffer: posted.body))")
            func read(_ query: String, language: String? = nil) async throws -> [String: Any] {
                var headers = alice
                if let language { headers[.acceptLanguage] = language }
                let response = try await client.execute(
                    uri: "/xapi/statements?statementId=\(id)\(query)", method: .get, headers: headers)
                #expect(response.status == .ok)
                return response.json
            }
            let exact = try await read("")
            #expect(
                (exact["verb"] as? [String: Any])?["display"] as? [String: String] == [
                    "en-US": "experienced", "fr-FR": "a vu",
                ])
            #expect(try await read("&format=exact") as NSDictionary == exact as NSDictionary)

            let ids = try await read("&format=ids")
            #expect(ids["verb"] as? [String: String] == ["id": "http://adlnet.gov/expapi/verbs/experienced"])
            #expect(ids["object"] as? [String: String] == ["objectType": "Activity", "id": activity])
            let actor = try #require(ids["actor"] as? [String: Any])
            #expect(Set(actor.keys) == ["objectType", "account"])
            let parent = ((ids["context"] as? [String: Any])?["contextActivities"] as? [String: Any])?["parent"]
            #expect(parent as? [[String: String]] == [["id": "https://example.org/course"]])
            #expect((ids["result"] as? [String: Any])?["duration"] as? String == "PT1M", "results are kept")
            #expect(ids["id"] as? String == id && ids["stored"] != nil)

            let french = try await read("&format=canonical", language: "fr-CA;q=0.9, de, en;q=0.5")
            #expect((french["verb"] as? [String: Any])?["display"] as? [String: String] == ["fr-FR": "a vu"])
            let definition = (french["object"] as? [String: Any])?["definition"] as? [String: Any]
            #expect(definition?["name"] as? [String: String] == ["fr-FR": "Vidéo"])
            #expect(definition?["description"] as? [String: String] == ["fr-FR": "La vidéo"])
            let english = try await read("&format=canonical", language: "en")
            #expect((english["verb"] as? [String: Any])?["display"] as? [String: String] == ["en-US": "experienced"])
            let parentName =
                (((english["context"] as? [String: Any])?["contextActivities"] as? [String: Any])?[
                    "parent"] as? [[String: Any]])?.first?["definition"] as? [String: Any]
            #expect(parentName?["name"] as? [String: String] == ["en-GB": "Course"])
            let unnamed = try await read("&format=canonical")
            #expect((unnamed["verb"] as? [String: Any])?["display"] as? [String: String] == ["en-US": "experienced"])

            // The same formats apply to a query's statements.
            let page = try await client.execute(uri: "/xapi/statements?format=ids", method: .get, headers: alice)
            let first = try #require((page.json["statements"] as? [[String: Any]])?.first)
            #expect(first["verb"] as? [String: String] == ["id": "http://adlnet.gov/expapi/verbs/experienced"])
        }
    }

    @Test("since and until select on when statements were stored: since excludes its instant, until includes it")
    func sinceAndUntil() async throws {
        let fixture = try await TrackingFixture.make()
        let alice = try await Self.alice()
        try await fixture.application.test(.router) { client in
            for _ in 0..<3 {
                let posted = try await client.send(
                    .post, "/xapi/statements", raw: Self.statement(registration: nil), headers: alice)
                #expect(posted.status == .ok)
                try await Task.sleep(for: .milliseconds(5))
            }
            func statements(_ query: String) async throws -> [(id: String, stored: String)] {
                let page = try await client.execute(
                    uri: "/xapi/statements?ascending=true\(query)", method: .get, headers: alice)
                #expect(page.status == .ok)
                return ((page.json["statements"] as? [[String: Any]]) ?? []).compactMap {
                    guard let id = $0["id"] as? String, let stored = $0["stored"] as? String else { return nil }
                    return (id, stored)
                }
            }
            let all = try await statements("")
            #expect(all.count == 3)
            let encode = { (text: String) in text.addingPercentEncoding(withAllowedCharacters: .alphanumerics)! }
            #expect(try await statements("&since=\(encode(all[0].stored))").map(\.id) == all.dropFirst().map(\.id))
            #expect(try await statements("&until=\(encode(all[1].stored))").map(\.id) == all.prefix(2).map(\.id))
            let between = try await statements("&since=\(encode(all[0].stored))&until=\(encode(all[1].stored))")
            #expect(between.map(\.id) == [all[1].id])
            #expect(try await statements("&since=\(encode(all[2].stored))").isEmpty)
        }
    }
}
