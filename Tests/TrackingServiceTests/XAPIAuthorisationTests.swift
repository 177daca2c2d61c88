import Contracts
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import TrackingService

/// Who may send and read which xAPI statements (``StatementScope``).
@Suite("xAPI access")
struct XAPIAuthorisationTests {
    static let aliceEnrolment = XAPIStatementsTests.enrolment
    static let carolEnrolment = "0b9a8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d"
    static let otherSession = "session-elsewhere"
    static let otherTrainer = "trainer-2"
    static let video = XAPIVocabulary.activityIRI(courseID: Plan.courseID, activityID: "video")

    /// Alice in the fixture session (trainer-1, tutor-1, academy lyon); Carol in another trainer's session in
    /// academy marseille.
    static func seeded() async throws -> TrackingFixture {
        let fixture = try await TrackingFixture.make()
        try await fixture.seed(enrolments: [aliceEnrolment: "p-alice"])
        try await fixture.projector.apply(
            Events.envelope(
                Events.sessionScheduled(
                    otherSession, trainerIDs: [otherTrainer], tutorIDs: [], academy: "marseille")))
        try await fixture.projector.apply(
            Events.envelope(
                Events.approved(
                    otherSession, enrolmentID: carolEnrolment, participantID: "p-carol", academy: "marseille")))
        return fixture
    }

    static func statement(_ participant: String, registration: String?, id: String = UUID().uuidString) -> String {
        XAPIStatementsTests.statement(
            id: id, object: video, participant: participant, registration: registration,
            result: #"{"duration": "PT10M"}"#)
    }

    static func ids(_ response: TestResponse) throws -> [String] {
        try JSONDecoder().decode([String].self, from: Data(response.body.readableBytesView))
    }

    static func statements(_ response: TestResponse) -> [[String: Any]] {
        response.json["statements"] as? [[String: Any]] ?? []
    }

    static func agent(_ participant: String) -> String {
        #"{"account":{"homePage":"https://magistere.education.gouv.fr","name":"\#(participant)"}}"#
            .addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
    }

    // MARK: - Sending

    @Test("refusals of the access layer carry the xAPI headers too: 401 without a token, 403 for a manager sending")
    func refusalsSpeakXAPI() async throws {
        let fixture = try await Self.seeded()
        let manager = XAPIStatementsTests.xapi(try await TestAuth.headers("m-lyon", .manager, academy: "lyon"))
        try await fixture.application.test(.router) { client in
            let anonymous = try await client.send(
                .post, "/xapi/statements", raw: Self.statement("p-alice", registration: nil),
                headers: [.contentType: "application/json", XAPIStatementsTests.versionHeader: "1.0.3"])
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.headers[XAPIStatementsTests.versionHeader] == XAPIVocabulary.version)
            #expect(anonymous.headers[.wwwAuthenticate] != nil)
            let byRole = try await client.send(
                .post, "/xapi/statements", raw: Self.statement("p-alice", registration: nil), headers: manager)
            #expect(byRole.status == .forbidden)
            #expect(byRole.headers[XAPIStatementsTests.versionHeader] == XAPIVocabulary.version)
            // Outside /xapi/ nothing speaks xAPI.
            let health = try await client.execute(uri: "/health", method: .get)
            #expect(health.headers[XAPIStatementsTests.versionHeader] == nil)
        }
    }

    @Test("a participant's statement whose actor is someone else is refused (403), and nothing is stored")
    func foreignActor() async throws {
        let fixture = try await Self.seeded()
        let alice = XAPIStatementsTests.xapi(try await Callers.participant("p-alice"))
        let before = try await fixture.snapshot()
        try await fixture.application.test(.router) { client in
            let other = try await client.send(
                .post, "/xapi/statements", raw: Self.statement("p-bob", registration: nil), headers: alice)
            #expect(other.status == .forbidden)
            let mbox =
                #"{"actor": {"mbox": "mailto:alice@example.org"}, "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"}, "object": {"id": "https://example.org/a"}}"#
            #expect(
                try await client.send(.post, "/xapi/statements", raw: mbox, headers: alice).status == .forbidden,
                "only the platform account is the caller")
            let id = UUID().uuidString
            let put = try await client.send(
                .put, "/xapi/statements?statementId=\(id)", raw: Self.statement("p-bob", registration: nil, id: id),
                headers: alice)
            #expect(put.status == .forbidden)
        }
        #expect(try await fixture.snapshot() == before)
    }

    @Test("a batch with one statement of someone else is refused whole, even its caller's own statements")
    func foreignStatementInBatch() async throws {
        let fixture = try await Self.seeded()
        let alice = XAPIStatementsTests.xapi(try await Callers.participant("p-alice"))
        let before = try await fixture.snapshot()
        try await fixture.application.test(.router) { client in
            let batch =
                "[\(Self.statement("p-alice", registration: Self.aliceEnrolment)), \(Self.statement("p-carol", registration: Self.carolEnrolment))]"
            let response = try await client.send(.post, "/xapi/statements", raw: batch, headers: alice)
            #expect(response.status == .forbidden)
            #expect((response.json["detail"] as? String)?.hasPrefix("statement [1]:") == true)
        }
        #expect(
            try await fixture.snapshot() == before, "Alice's own statement was not stored, her progress did not change")
    }

    @Test("a participant's own statement about another participant's enrolment is refused")
    func foreignRegistration() async throws {
        let fixture = try await Self.seeded()
        let alice = XAPIStatementsTests.xapi(try await Callers.participant("p-alice"))
        let before = try await fixture.snapshot()
        try await fixture.application.test(.router) { client in
            let response = try await client.send(
                .post, "/xapi/statements", raw: Self.statement("p-alice", registration: Self.carolEnrolment),
                headers: alice)
            #expect(response.status == .forbidden)
        }
        #expect(try await fixture.snapshot() == before)
    }

    @Test("a trainer of the registration's session sends a statement for its participant: accepted, progress counts it")
    func trainerForParticipant() async throws {
        let fixture = try await Self.seeded()
        let trainer = XAPIStatementsTests.xapi(try await Callers.trainer())
        try await fixture.application.test(.router) { client in
            let response = try await client.send(
                .post, "/xapi/statements", raw: Self.statement("p-alice", registration: Self.aliceEnrolment),
                headers: trainer)
            #expect(response.status == .ok)
            let id = try #require(try Self.ids(response).first)
            let stored = try await client.execute(
                uri: "/xapi/statements?statementId=\(id)", method: .get, headers: trainer)
            #expect(stored.status == .ok)
            let authority = stored.json["authority"] as? [String: Any]
            #expect(
                (authority?["account"] as? [String: Any])?["name"] as? String == Plan.trainer,
                "the LRS records who sent it")
            let view = try await client.execute(
                uri: "/enrolments/\(Self.aliceEnrolment)/progress", method: .get,
                headers: try await Callers.participant("p-alice")
            ).decode(EnrolmentProgressView.self)
            let video = try #require(view.activities.first { $0.activityID == "video" })
            #expect(video.done)
            #expect(video.secondsSpent == 600)
        }
        #expect(try await fixture.rowCount("xapi_statement") == 1)
    }

    @Test("a trainer of another session may not send statements for this session's participants")
    func foreignTrainer() async throws {
        let fixture = try await Self.seeded()
        let stranger = XAPIStatementsTests.xapi(try await Callers.trainer(Self.otherTrainer))
        let before = try await fixture.snapshot()
        try await fixture.application.test(.router) { client in
            let response = try await client.send(
                .post, "/xapi/statements", raw: Self.statement("p-alice", registration: Self.aliceEnrolment),
                headers: stranger)
            #expect(response.status == .forbidden)
            let unregistered = try await client.send(
                .post, "/xapi/statements", raw: Self.statement("p-alice", registration: nil), headers: stranger)
            #expect(unregistered.status == .forbidden, "without a registration nobody sends for someone else")
        }
        #expect(try await fixture.snapshot() == before)
    }

    @Test("a participant may not void someone else's statement; its owner still reads it")
    func foreignVoiding() async throws {
        let fixture = try await Self.seeded()
        let alice = XAPIStatementsTests.xapi(try await Callers.participant("p-alice"))
        let carol = XAPIStatementsTests.xapi(try await Callers.participant("p-carol"))
        let target = UUID().uuidString.lowercased()
        try await fixture.application.test(.router) { client in
            #expect(
                try await client.send(
                    .post, "/xapi/statements",
                    raw: Self.statement("p-carol", registration: Self.carolEnrolment, id: target), headers: carol
                ).status == .ok)
            let before = try await fixture.snapshot()
            let voiding = try await client.send(
                .post, "/xapi/statements", raw: XAPIStatementsTests.voiding(target, by: "p-alice"), headers: alice)
            #expect(voiding.status == .forbidden)
            #expect(try await fixture.snapshot() == before)
            #expect(
                try await client.execute(uri: "/xapi/statements?statementId=\(target)", method: .get, headers: carol)
                    .status == .ok)
        }
    }

    // MARK: - Reading

    @Test("a participant reads only their own statements: another agent or another's statement by id is 403")
    func participantReads() async throws {
        let fixture = try await Self.seeded()
        let alice = XAPIStatementsTests.xapi(try await Callers.participant("p-alice"))
        let carol = XAPIStatementsTests.xapi(try await Callers.participant("p-carol"))
        try await fixture.application.test(.router) { client in
            let mine = try await client.send(
                .post, "/xapi/statements", raw: Self.statement("p-alice", registration: Self.aliceEnrolment),
                headers: alice)
            let hers = try await client.send(
                .post, "/xapi/statements", raw: Self.statement("p-carol", registration: Self.carolEnrolment),
                headers: carol)
            let mineID = try #require(try Self.ids(mine).first)
            let hersID = try #require(try Self.ids(hers).first)

            let all = try await client.execute(uri: "/xapi/statements", method: .get, headers: alice)
            #expect(Self.statements(all).compactMap { $0["id"] as? String } == [mineID])
            let byRegistration = try await client.execute(
                uri: "/xapi/statements?registration=\(Self.carolEnrolment)", method: .get, headers: alice)
            #expect(Self.statements(byRegistration).isEmpty)
            let other = try await client.execute(
                uri: "/xapi/statements?agent=\(Self.agent("p-carol"))", method: .get, headers: alice)
            #expect(other.status == .forbidden)
            #expect(XAPIStatementsTests.header(other, "X-Experience-API-Version") == "1.0.3")
            let own = try await client.execute(
                uri: "/xapi/statements?agent=\(Self.agent("p-alice"))", method: .get, headers: alice)
            #expect(Self.statements(own).count == 1)
            #expect(
                try await client.execute(uri: "/xapi/statements?statementId=\(hersID)", method: .get, headers: alice)
                    .status == .forbidden)
            #expect(
                try await client.execute(
                    uri: "/xapi/statements?statementId=\(UUID().uuidString)", method: .get, headers: alice
                ).status == .notFound)
        }
    }

    @Test("trainers and tutors read their sessions' statements, managers their academy's, national managers all")
    func staffReads() async throws {
        let fixture = try await Self.seeded()
        let alice = XAPIStatementsTests.xapi(try await Callers.participant("p-alice"))
        let carol = XAPIStatementsTests.xapi(try await Callers.participant("p-carol"))
        try await fixture.application.test(.router) { client in
            let aliceID = try #require(
                try Self.ids(
                    try await client.send(
                        .post, "/xapi/statements", raw: Self.statement("p-alice", registration: Self.aliceEnrolment),
                        headers: alice)
                ).first)
            let carolID = try #require(
                try Self.ids(
                    try await client.send(
                        .post, "/xapi/statements", raw: Self.statement("p-carol", registration: Self.carolEnrolment),
                        headers: carol)
                ).first)
            // Under no session (no registration): its actor's only.
            try await client.send(
                .post, "/xapi/statements", raw: Self.statement("p-alice", registration: nil), headers: alice)

            let readers: [(String, HTTPFields, Set<String>)] = [
                ("trainer", XAPIStatementsTests.xapi(try await Callers.trainer()), [aliceID]),
                ("tutor", XAPIStatementsTests.xapi(try await Callers.tutor()), [aliceID]),
                ("other trainer", XAPIStatementsTests.xapi(try await Callers.trainer(Self.otherTrainer)), [carolID]),
                ("manager of lyon", XAPIStatementsTests.xapi(try await Callers.manager()), [aliceID]),
                (
                    "manager of marseille", XAPIStatementsTests.xapi(try await Callers.manager(academy: "marseille")),
                    [carolID]
                ),
                (
                    "national manager", XAPIStatementsTests.xapi(try await Callers.manager(academy: "national")),
                    [aliceID, carolID]
                ),
            ]
            for (who, token, expected) in readers {
                let all = try await client.execute(uri: "/xapi/statements", method: .get, headers: token)
                #expect(Set(Self.statements(all).compactMap { $0["id"] as? String }) == expected, "\(who)")
                let byAgent = try await client.execute(
                    uri: "/xapi/statements?agent=\(Self.agent("p-carol"))", method: .get, headers: token)
                #expect(byAgent.status == .ok, "\(who) may filter on an agent")
                #expect(
                    Set(Self.statements(byAgent).compactMap { $0["id"] as? String })
                        == expected.intersection([carolID]), "\(who)")
                for id in [aliceID, carolID] {
                    let one = try await client.execute(
                        uri: "/xapi/statements?statementId=\(id)", method: .get, headers: token)
                    #expect(one.status == (expected.contains(id) ? .ok : .forbidden), "\(who) reading \(id)")
                }
            }
        }
    }

    // MARK: - Hostile queries

    @Test("query parameters are validated: limits, dates, ids, positions, agents, combinations")
    func hostileQueries() async throws {
        let fixture = try await Self.seeded()
        let alice = XAPIStatementsTests.xapi(try await Callers.participant("p-alice"))
        try await fixture.application.test(.router) { client in
            let deep = (String(repeating: "[", count: 40) + String(repeating: "]", count: 40))
                .addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            for query in [
                "limit=-1", "limit=abc", "limit=99999999999999999999999", "since=yesterday", "until=2024-13-45",
                "registration=e-alice", "statementId=not-a-uuid", "voidedStatementId=1", "from=garbage",
                "agent=%7B%7D", "agent=\(deep)", "ascending=True", "format=full", "colour=blue",
                "statementId=\(UUID().uuidString)&verb=x",
                "statementId=\(UUID().uuidString)&voidedStatementId=\(UUID().uuidString)",
            ] {
                let response = try await client.execute(uri: "/xapi/statements?\(query)", method: .get, headers: alice)
                #expect(response.status == .badRequest, "\(query)")
                #expect(response.headers[.contentType] == "application/problem+json", "\(query)")
            }
            let big = try await client.execute(uri: "/xapi/statements?limit=100000", method: .get, headers: alice)
            #expect(big.status == .ok, "a large limit is capped, not refused")
            let deepBody = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
            #expect(
                try await client.send(.post, "/xapi/statements", raw: deepBody, headers: alice).status == .badRequest)
            #expect(
                try await client.send(
                    .put, "/xapi/statements?statementId=\(UUID().uuidString)&x=1", raw: "{}", headers: alice
                ).status == .badRequest)
            #expect(
                try await client.send(.post, "/xapi/statements?x=1", raw: "{}", headers: alice).status == .badRequest)
        }
        #expect(try await fixture.rowCount("xapi_statement") == 0)
    }
}
