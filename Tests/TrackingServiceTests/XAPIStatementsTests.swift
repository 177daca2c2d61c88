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
    static let version: HTTPFields = [
        .contentType: "application/json", HTTPField.Name("X-Experience-API-Version")!: "1.0.3",
    ]
    static let enrolment = "7f2c1d0e-4b6a-4c55-9a1e-0d1f2a3b4c5d"

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

    static func header(_ response: TestResponse, _ name: String) -> String? {
        response.headers[HTTPField.Name(name)!]
    }

    @Test("the version header is required on requests and sent on every response, errors included")
    func versionHeader() async throws {
        let fixture = try TrackingFixture()
        try await fixture.application().test(.router) { client in
            let missing = try await client.send(.post, "/xapi/statements", raw: Self.statement(), headers: [.contentType: "application/json"])
            #expect(missing.status == .badRequest)
            #expect(Self.header(missing, "X-Experience-API-Version") == "1.0.3")
            let ok = try await client.send(.post, "/xapi/statements", raw: Self.statement(registration: nil), headers: Self.version)
            #expect(ok.status == .ok)
            #expect(Self.header(ok, "X-Experience-API-Version") == "1.0.3")
            #expect(Self.header(ok, "X-Experience-API-Consistent-Through").flatMap(Timestamp.parse) != nil)
            let about = try await client.execute(uri: "/xapi/about", method: .get)
            #expect(about.text.contains("1.0.3"))
        }
    }

    @Test("a stored statement is found by id with id, stored and timestamp set, and without the actor's name")
    func storeAndGet() async throws {
        let fixture = try TrackingFixture()
        try await fixture.application().test(.router) { client in
            let posted = try await client.send(.post, "/xapi/statements", raw: Self.statement(registration: nil), headers: Self.version)
            let ids = try JSONDecoder().decode([String].self, from: Data(posted.body.readableBytesView))
            let id = try #require(ids.first)
            let got = try await client.execute(uri: "/xapi/statements?statementId=\(id)", method: .get, headers: Self.version)
            #expect(got.status == .ok)
            #expect(got.json["id"] as? String == id)
            #expect(got.json["stored"] != nil)
            #expect(got.json["timestamp"] != nil)
            #expect((got.json["actor"] as? [String: Any])?["name"] == nil)
            #expect(!got.text.contains("Alice Martin"))
            let missing = try await client.execute(uri: "/xapi/statements?statementId=\(UUID().uuidString)", method: .get, headers: Self.version)
            #expect(missing.status == .notFound)
        }
    }

    @Test("PUT stores under statementId; the same statement again is a no-op, a different one a 409")
    func putAndConflict() async throws {
        let fixture = try TrackingFixture()
        let id = UUID().uuidString.lowercased()
        try await fixture.application().test(.router) { client in
            let first = try await client.send(.put, "/xapi/statements?statementId=\(id)", raw: Self.statement(registration: nil), headers: Self.version)
            let again = try await client.send(.put, "/xapi/statements?statementId=\(id)", raw: Self.statement(registration: nil), headers: Self.version)
            let viaPost = try await client.send(.post, "/xapi/statements", raw: Self.statement(id: id, registration: nil), headers: Self.version)
            let other = try await client.send(.put, "/xapi/statements?statementId=\(id)", raw: Self.statement(verb: "http://adlnet.gov/expapi/verbs/failed", registration: nil), headers: Self.version)
            #expect(first.status == .noContent)
            #expect(again.status == .noContent)
            #expect(viaPost.status == .ok)
            #expect(other.status == .conflict)
            let noID = try await client.send(.put, "/xapi/statements", raw: Self.statement(registration: nil), headers: Self.version)
            #expect(noID.status == .badRequest)
        }
        #expect(try await fixture.rowCount("xapi_statement") == 1)
    }

    @Test("invalid statements and unknown parameters are 400, and a bad batch stores nothing")
    func invalid() async throws {
        let fixture = try TrackingFixture()
        try await fixture.application().test(.router) { client in
            let noActor = try await client.send(.post, "/xapi/statements", raw: #"{"verb": {"id": "http://adlnet.gov/expapi/verbs/completed"}, "object": {"id": "http://x/y"}}"#, headers: Self.version)
            #expect(noActor.status == .badRequest)
            let batch = "[\(Self.statement(registration: nil)), {\"actor\": {\"mbox\": \"alice@example.org\"}}]"
            let badBatch = try await client.send(.post, "/xapi/statements", raw: batch, headers: Self.version)
            #expect(badBatch.status == .badRequest)
            let unknown = try await client.execute(uri: "/xapi/statements?colour=blue", method: .get, headers: Self.version)
            #expect(unknown.status == .badRequest)
        }
        #expect(try await fixture.rowCount("xapi_statement") == 0)
    }

    @Test("voiding hides a statement from id lookups and queries, and shows it by voidedStatementId")
    func voiding() async throws {
        let fixture = try TrackingFixture()
        let target = UUID().uuidString.lowercased()
        try await fixture.application().test(.router) { client in
            try await client.send(.put, "/xapi/statements?statementId=\(target)", raw: Self.statement(registration: nil), headers: Self.version)
            let voiding = #"{"actor": {"mbox": "mailto:trainer@example.org"}, "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"}, "object": {"objectType": "StatementRef", "id": "\#(target)"}}"#
            let voided = try await client.send(.post, "/xapi/statements", raw: voiding, headers: Self.version)
            #expect(voided.status == .ok)
            #expect(try await client.execute(uri: "/xapi/statements?statementId=\(target)", method: .get, headers: Self.version).status == .notFound)
            #expect(try await client.execute(uri: "/xapi/statements?voidedStatementId=\(target)", method: .get, headers: Self.version).status == .ok)
            let all = try await client.execute(uri: "/xapi/statements", method: .get, headers: Self.version)
            #expect((all.json["statements"] as? [[String: Any]])?.count == 1, "only the voiding statement")
            let voidingID = try #require(try JSONDecoder().decode([String].self, from: Data(voided.body.readableBytesView)).first)
            let voidTheVoid = #"{"actor": {"mbox": "mailto:trainer@example.org"}, "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"}, "object": {"objectType": "StatementRef", "id": "\#(voidingID)"}}"#
            #expect(try await client.send(.post, "/xapi/statements", raw: voidTheVoid, headers: Self.version).status == .badRequest)
        }
    }

    @Test("queries filter by agent, verb and activity, and page with a 'more' link")
    func queries() async throws {
        let fixture = try TrackingFixture()
        try await fixture.application().test(.router) { client in
            for index in 0..<5 {
                try await client.send(.post, "/xapi/statements", raw: Self.statement(
                    verb: index % 2 == 0 ? "http://adlnet.gov/expapi/verbs/completed" : "http://adlnet.gov/expapi/verbs/failed",
                    participant: index < 4 ? "p-alice" : "p-bob", registration: nil), headers: Self.version)
            }
            let agent = #"{"account":{"homePage":"https://magistere.education.gouv.fr","name":"p-alice"}}"#
                .addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let byAgent = try await client.execute(uri: "/xapi/statements?agent=\(agent)", method: .get, headers: Self.version)
            #expect((byAgent.json["statements"] as? [Any])?.count == 4)
            let byVerb = try await client.execute(uri: "/xapi/statements?verb=http%3A%2F%2Fadlnet.gov%2Fexpapi%2Fverbs%2Ffailed", method: .get, headers: Self.version)
            #expect((byVerb.json["statements"] as? [Any])?.count == 2)

            var seen: [String] = []
            var uri = "/xapi/statements?limit=2&ascending=true"
            for _ in 0..<5 {
                let page = try await client.execute(uri: uri, method: .get, headers: Self.version)
                seen += ((page.json["statements"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String }
                let more = page.json["more"] as? String ?? ""
                if more.isEmpty { break }
                #expect(more.hasPrefix("/xapi/statements?"))
                uri = more
            }
            #expect(seen.count == 5)
            #expect(Set(seen).count == 5)
        }
    }

    @Test("statements about an enrolment's activities update progress like the JSON API, once")
    func progressFromStatements() async throws {
        let fixture = try TrackingFixture()
        try await fixture.seed(enrolments: [Self.enrolment: "p-alice"])
        try await fixture.application().test(.router) { client in
            let watched = Self.statement(id: UUID().uuidString, result: #"{"duration": "PT25M", "completion": true}"#)
            #expect(try await client.send(.post, "/xapi/statements", raw: watched, headers: Self.version).status == .ok)
            #expect(try await client.send(.post, "/xapi/statements", raw: watched, headers: Self.version).status == .ok)
            let quiz = XAPIVocabulary.activityIRI(courseID: Plan.courseID, activityID: "quiz")
            try await client.send(.post, "/xapi/statements", raw: Self.statement(verb: "http://adlnet.gov/expapi/verbs/failed", object: quiz, result: #"{"score": {"scaled": 0.5}}"#), headers: Self.version)
            try await client.send(.post, "/xapi/statements", raw: Self.statement(verb: "http://adlnet.gov/expapi/verbs/passed", object: quiz, result: #"{"score": {"scaled": 0.9}}"#), headers: Self.version)
            let meeting = XAPIVocabulary.activityIRI(courseID: Plan.courseID, activityID: "meeting")
            try await client.send(.post, "/xapi/statements", raw: Self.statement(verb: "http://adlnet.gov/expapi/verbs/attended", object: meeting), headers: Self.version)
            // Someone else's statement about Alice's registration changes nothing.
            try await client.send(.post, "/xapi/statements", raw: Self.statement(object: XAPIVocabulary.activityIRI(courseID: Plan.courseID, activityID: "forum"), participant: "p-mallory"), headers: Self.version)
            let tooLong = try await client.send(.post, "/xapi/statements", raw: Self.statement(verb: "http://adlnet.gov/expapi/verbs/progressed", result: #"{"duration": "PT9H"}"#), headers: Self.version)
            #expect(tooLong.status == .badRequest)

            let view = try await client.execute(uri: "/enrolments/\(Self.enrolment)/progress", method: .get).decode(EnrolmentProgressView.self)
            let video = try #require(view.activities.first { $0.activityID == "video" })
            #expect(video.done)
            #expect(video.secondsSpent == 1500, "the repeated statement added nothing")
            #expect(view.activities.first { $0.activityID == "quiz" }?.bestScore == 0.9)
            #expect(view.activities.first { $0.activityID == "meeting" }?.attendance == .present)
            #expect(view.activities.first { $0.activityID == "forum" }?.done == false)
            #expect(view.completion != nil)
        }
        #expect(try await fixture.outbox(type: "tracking.course.completed.v1").count == 1)
    }
}
