import Contracts
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ServiceSupport
import Testing

@testable import TrackingService

/// Who may call which route (issue 7): the route rules, then the scope of each session and enrolment.
@Suite("Access to tracking")
struct AuthorisationTests {
    static let alice = "p-alice"
    static let aliceEnrolment = "e-alice"
    static let bob = "p-bob"
    static let bobEnrolment = "e-bob"

    /// The fixture session (trainer-1, tutor-1, academy lyon) with Alice and Bob enrolled, and a session of
    /// another trainer in another academy with Carol.
    static func seeded() async throws -> TrackingFixture {
        let fixture = try await TrackingFixture.make()
        try await fixture.seed(enrolments: [aliceEnrolment: alice, bobEnrolment: bob])
        try await fixture.projector.apply(
            Events.envelope(
                Events.sessionScheduled(
                    otherSession, trainerIDs: [otherTrainer], tutorIDs: [], academy: "marseille")))
        try await fixture.projector.apply(
            Events.envelope(
                Events.approved(
                    otherSession, enrolmentID: "e-carol", participantID: "p-carol", academy: "marseille")))
        return fixture
    }

    static let otherSession = "session-elsewhere"
    static let otherTrainer = "trainer-2"

    /// A request with a body the route accepts, so that only access decides.
    static func request(
        _ route: String, fixture: TrackingFixture
    ) -> (method: HTTPRequest.Method, uri: String, body: String?) {
        let parts = route.split(separator: " ", maxSplits: 1).map(String.init)
        let method = HTTPRequest.Method(parts[0])!
        let uri =
            parts[1]
            .replacingOccurrences(of: "/enrolments/{id}", with: "/enrolments/\(aliceEnrolment)")
            .replacingOccurrences(of: "/sessions/{id}", with: "/sessions/\(fixture.sessionID)")
            + (route.hasPrefix("PUT /xapi/statements") ? "?statementId=\(UUID().uuidString)" : "")
        return (method, uri, method == .get ? nil : "{}")
    }

    @Test("every route refuses a token of each role its rule does not allow (403), and no token (401)")
    func matrix() async throws {
        let fixture = try await Self.seeded()
        let rules = fixture.assembly.service.accessPolicy.rules
        #expect(rules.count >= 13, "the operational routes and tracking's own")
        let before = try await fixture.snapshot()
        try await fixture.application.test(.router) { client in
            for (route, rule) in rules.sorted(by: { $0.key < $1.key }) {
                let (method, uri, body) = Self.request(route, fixture: fixture)
                let base: HTTPFields = [
                    .contentType: "application/json", HTTPField.Name("X-Experience-API-Version")!: "1.0.3",
                ]
                func call(_ token: HTTPFields) async throws -> TestResponse {
                    var headers = base
                    headers.append(contentsOf: token)
                    return try await client.execute(
                        uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
                }
                let refused: [Role]
                switch rule {
                case .anyone:
                    continue
                case .authenticated:
                    refused = []
                case .roles(let allowed):
                    refused = Role.allCases.filter { !allowed.contains($0) }
                }
                for role in refused {
                    let response = try await call(try await TestAuth.headers("someone", role, academy: Plan.academy))
                    #expect(response.status == .forbidden, "\(route) as \(role)")
                    #expect(response.headers[.contentType] == "application/problem+json", "\(route) as \(role)")
                }
                let anonymous = try await call([:])
                #expect(anonymous.status == .unauthorized, "\(route) without a token")
                #expect(anonymous.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true, "\(route) without a token")
                let expired = try await TestAuth.token(
                    "someone", .participant, .trainer, .manager, lifetime: 60, now: Date(timeIntervalSinceNow: -3600))
                #expect(
                    try await call([.authorization: "Bearer \(expired)"]).status == .unauthorized,
                    "\(route) with an expired token")
            }
        }
        #expect(try await fixture.snapshot() == before)
    }

    // MARK: - Cross-tenant attempts: 403, and nothing changes

    @Test("a trainer of another session may not record this session's attendance")
    func foreignTrainerAttendance() async throws {
        let fixture = try await Self.seeded()
        let before = try await fixture.snapshot()
        try await fixture.application.test(.router) { client in
            let sheet = AttendanceSheet(
                activityID: "meeting", entries: [.init(enrolmentID: Self.aliceEnrolment, status: .present)])
            let response = try await client.send(
                .post, "/sessions/\(fixture.sessionID)/attendance", json: sheet,
                headers: try await Callers.trainer(Self.otherTrainer))
            #expect(response.status == .forbidden)
            #expect(response.headers[.contentType] == "application/problem+json")
        }
        #expect(try await fixture.snapshot() == before)
    }

    @Test("a trainer of another session may not read this session's table, summary or a participant's progress")
    func foreignTrainerReads() async throws {
        let fixture = try await Self.seeded()
        let before = try await fixture.snapshot()
        let stranger = try await Callers.trainer(Self.otherTrainer)
        try await fixture.application.test(.router) { client in
            for uri in [
                "/sessions/\(fixture.sessionID)/progress", "/sessions/\(fixture.sessionID)/summary",
                "/enrolments/\(Self.aliceEnrolment)/progress",
            ] {
                let response = try await client.execute(uri: uri, method: .get, headers: stranger)
                #expect(response.status == .forbidden, "\(uri)")
                #expect(!response.text.contains(Self.alice), "\(uri) leaks nothing")
            }
            // Their own session is theirs.
            #expect(
                try await client.execute(
                    uri: "/sessions/\(Self.otherSession)/progress", method: .get, headers: stranger
                ).status == .ok)
        }
        #expect(try await fixture.snapshot() == before)
    }

    @Test("a participant may not read another participant's progress")
    func participantReadsAnother() async throws {
        let fixture = try await Self.seeded()
        let before = try await fixture.snapshot()
        try await fixture.application.test(.router) { client in
            let response = try await client.execute(
                uri: "/enrolments/\(Self.bobEnrolment)/progress", method: .get,
                headers: try await Callers.participant(Self.alice))
            #expect(response.status == .forbidden)
            #expect(!response.text.contains(Self.bob))
            let own = try await client.execute(
                uri: "/enrolments/\(Self.aliceEnrolment)/progress", method: .get,
                headers: try await Callers.participant(Self.alice))
            #expect(own.status == .ok)
        }
        #expect(try await fixture.snapshot() == before)
    }

    @Test("a participant may not record progress on another participant's enrolment")
    func participantWritesAnother() async throws {
        let fixture = try await Self.seeded()
        let before = try await fixture.snapshot()
        try await fixture.application.test(.router) { client in
            let record = ProgressRecord(id: "r1", activityID: "video", timeSpentSeconds: 600, completed: true)
            let response = try await client.send(
                .post, "/enrolments/\(Self.bobEnrolment)/progress", json: record,
                headers: try await Callers.participant(Self.alice))
            #expect(response.status == .forbidden)
        }
        #expect(try await fixture.snapshot() == before)
    }

    @Test("a manager of another academy may not read the session's table or summary")
    func foreignManager() async throws {
        let fixture = try await Self.seeded()
        let before = try await fixture.snapshot()
        let marseille = try await Callers.manager("ien-marseille", academy: "marseille")
        try await fixture.application.test(.router) { client in
            for uri in [
                "/sessions/\(fixture.sessionID)/progress", "/sessions/\(fixture.sessionID)/summary",
                "/enrolments/\(Self.aliceEnrolment)/progress",
            ] {
                let response = try await client.execute(uri: uri, method: .get, headers: marseille)
                #expect(response.status == .forbidden, "\(uri)")
            }
            let own = try await client.execute(
                uri: "/sessions/\(Self.otherSession)/summary", method: .get, headers: marseille)
            #expect(own.status == .ok)
        }
        #expect(try await fixture.snapshot() == before)
    }

    // MARK: - Allowed callers

    @Test("the session's trainers and tutors, its academy's managers and national managers follow its progress")
    func allowedReaders() async throws {
        let fixture = try await Self.seeded()
        let readers = [
            ("trainer", try await Callers.trainer()), ("tutor", try await Callers.tutor()),
            ("manager of lyon", try await Callers.manager()),
            ("national manager", try await Callers.manager(academy: "national")),
        ]
        try await fixture.application.test(.router) { client in
            for (who, token) in readers {
                let table = try await client.execute(
                    uri: "/sessions/\(fixture.sessionID)/progress", method: .get, headers: token)
                #expect(table.status == .ok, "\(who)")
                #expect(try table.decode(SessionProgressView.self).participants.count == 2, "\(who)")
                #expect(
                    try await client.execute(
                        uri: "/sessions/\(fixture.sessionID)/summary", method: .get, headers: token
                    ).status == .ok, "\(who)")
                #expect(
                    try await client.execute(
                        uri: "/enrolments/\(Self.bobEnrolment)/progress", method: .get, headers: token
                    ).status == .ok, "\(who)")
            }
        }
    }

    @Test("a role counts only with its assignment: a participant token of a trainer's id is not the trainer")
    func roleAndAssignment() async throws {
        let fixture = try await Self.seeded()
        let scope = TrackingScope(caller: Caller(subject: Plan.trainer, roles: [.participant], academy: Plan.academy))
        let session = try #require(try await fixture.store.read { db in try SessionRow.fetch(fixture.sessionID, db) })
        #expect(!scope.isStaff(of: session))
        #expect(TrackingScope(caller: Caller(subject: Plan.trainer, roles: [.trainer])).isStaff(of: session))
        #expect(TrackingScope(caller: Caller(subject: Plan.tutor, roles: [.tutor])).follows(session))
        #expect(
            !TrackingScope(caller: Caller(subject: "ien-2", roles: [.manager], academy: "marseille")).follows(session))
        #expect(TrackingScope(caller: Caller(subject: "ien-0", roles: [.manager], isNational: true)).follows(session))
        #expect(
            !TrackingScope(caller: Caller(subject: "ien-9", roles: [.manager])).follows(session),
            "no academy claim: no scope")
    }
}
