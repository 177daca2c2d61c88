import Contracts
import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import TrackingService

/// What a hostile participant, a careless client or events arriving out of order must not achieve (issue 11):
/// crash the process, earn hours nobody granted, or lose progress for good.
@Suite("Trust edges of tracking")
struct TrustEdgesTests {
    static let alice = "p-alice"
    static let enrolment = XAPIStatementsTests.enrolment

    static func post(
        _ client: some TestClientProtocol, _ body: String, as headers: HTTPFields
    ) async throws
        -> TestResponse
    {
        try await client.send(.post, "/xapi/statements", raw: body, headers: headers)
    }

    // MARK: - Numbers and sizes

    @Test(
        "an absurd xAPI duration is a 400 naming result.duration, and the service still answers",
        arguments: ["PT99999999999999999999S", "P99999999999999999999Y", "PT1e400S", "PT9H", "P1D"])
    func absurdDuration(_ duration: String) async throws {
        // Given Alice's enrolment
        let fixture = try await TrackingFixture.make()
        try await fixture.seed(enrolments: [Self.enrolment: Self.alice])
        let alice = try await XAPIStatementsTests.alice()
        try await fixture.application.test(.router) { client in
            // When she sends a completion lasting longer than any report may credit
            let response = try await Self.post(
                client, XAPIStatementsTests.statement(result: #"{"duration": "\#(duration)"}"#), as: alice)
            // Then it is refused, naming the field, and nothing is credited
            #expect(response.status == .badRequest)
            #expect(response.text.contains("result.duration"))
            let progress = try await client.execute(
                uri: "/enrolments/\(Self.enrolment)/progress", method: .get,
                headers: try await Callers.participant(Self.alice))
            #expect(progress.status == .ok)
        }
        #expect(try await fixture.rowCount("progress_record") == 0)
        #expect(try await fixture.rowCount("xapi_statement") == 0)
    }

    @Test("a batch over 250 statements is refused with 413 and stores nothing; 250 are accepted")
    func batchCap() async throws {
        let fixture = try await TrackingFixture.make()
        let alice = try await XAPIStatementsTests.alice()
        let one = XAPIStatementsTests.statement(registration: nil)
        try await fixture.application.test(.router) { client in
            let tooMany = try await Self.post(
                client, "[" + Array(repeating: one, count: 251).joined(separator: ",") + "]", as: alice)
            #expect(tooMany.status == .contentTooLarge)
            #expect(tooMany.headers[.contentType] == "application/problem+json")
            #expect(tooMany.text.contains("at most 250"))
            #expect(try await fixture.rowCount("xapi_statement") == 0)
            let enough = try await Self.post(
                client, "[" + Array(repeating: one, count: 250).joined(separator: ",") + "]", as: alice)
            #expect(enough.status == .ok)
        }
        #expect(try await fixture.rowCount("xapi_statement") == 250)
    }

    // MARK: - Attendance is the staff's

    @Test("a participant's own 'attended' is a claim the trainer sees; it credits nothing until the trainer's sheet")
    func selfDeclaredAttendance() async throws {
        // Given Alice has done everything but the required meeting
        let fixture = try await TrackingFixture.make()
        try await fixture.seed(enrolments: [Self.enrolment: Self.alice])
        let participant = try await Callers.participant(Self.alice)
        let alice = try await XAPIStatementsTests.alice()
        try await fixture.application.test(.router) { client in
            try await client.send(
                .post, "/enrolments/\(Self.enrolment)/progress",
                json: ProgressRecord(id: "r1", activityID: "video", completed: true), headers: participant)
            try await client.send(
                .post, "/enrolments/\(Self.enrolment)/progress",
                json: ProgressRecord(id: "r2", activityID: "quiz", score: 0.9), headers: participant)
            // When she declares through xAPI that she attended the meeting
            let attended = try await Self.post(
                client,
                XAPIStatementsTests.statement(
                    verb: XAPIVocabulary.Verb.attended.rawValue,
                    object: XAPIVocabulary.activityIRI(courseID: Plan.courseID, activityID: "meeting")),
                as: alice)
            #expect(attended.status == .ok)
            // Then the course is not completed, the meeting not attended, and the trainer sees her claim
            let mine = try await client.execute(
                uri: "/enrolments/\(Self.enrolment)/progress", method: .get, headers: participant)
            let view = try mine.decode(EnrolmentProgressView.self)
            let meeting = try #require(view.activities.first { $0.activityID == "meeting" })
            #expect(meeting.attendance == nil)
            #expect(meeting.done == false)
            #expect(meeting.attendanceClaimedAt != nil)
            let table = try await client.execute(
                uri: "/sessions/\(fixture.sessionID)/progress", method: .get, headers: try await Callers.trainer())
            let row = try #require(try table.decode(SessionProgressView.self).participants.first)
            #expect(row.attendanceClaims["meeting"] != nil)
            #expect(row.attendance["meeting"] == nil)
            #expect(row.completed == false)
            #expect(try await fixture.outboxMessages(type: CourseCompleted.eventType.rawValue).isEmpty)

            // When the trainer records her present, the course completes (once)
            let sheet = try await client.send(
                .post, "/sessions/\(fixture.sessionID)/attendance",
                json: AttendanceSheet(
                    activityID: "meeting", entries: [.init(enrolmentID: Self.enrolment, status: .present)]),
                headers: try await Callers.trainer())
            #expect(sheet.status == .ok)
        }
        #expect(try await fixture.outboxMessages(type: CourseCompleted.eventType.rawValue).count == 1)
    }

    @Test("self-declared attendance stored by an earlier version becomes a claim when the store is migrated")
    func migrationTurnsSelfDeclaredAttendanceIntoClaims() throws {
        // Given a store at tracking.v1 where a participant recorded her own presence and a trainer another's
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("v1-\(UUID().uuidString).sqlite").path
        let queue = try DatabaseQueue(path: path)
        var migrator = DatabaseMigrator()
        TrackingMigrations.register(in: &migrator)
        try migrator.migrate(queue, upTo: "tracking.v1")
        try queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO enrolment (session_id, enrolment_id, participant_id, status) VALUES
                        ('s', 'e1', 'p1', 'approved'), ('s', 'e2', 'p2', 'approved');
                    INSERT INTO activity_progress (session_id, enrolment_id, activity_id, attendance,
                        attendance_recorded_at, attendance_recorded_by) VALUES
                        ('s', 'e1', 'meeting', 'present', '2026-10-01 10:00:00.000', 'p1'),
                        ('s', 'e2', 'meeting', 'present', '2026-10-01 10:00:00.000', 'trainer-1');
                    """)
        }
        // When it is migrated
        try migrator.migrate(queue)
        // Then the self-declared presence is a claim, the trainer's stays
        let rows = try queue.read { db in
            try Row.fetchAll(
                db,
                sql:
                    "SELECT enrolment_id, attendance, attendance_claimed_at FROM activity_progress ORDER BY enrolment_id"
            )
        }
        #expect(rows[0]["attendance"] as String? == nil)
        #expect(rows[0]["attendance_claimed_at"] as String? != nil)
        #expect(rows[1]["attendance"] as String? == "present")
        #expect(rows[1]["attendance_claimed_at"] as String? == nil)
    }

    // MARK: - Times chosen by clients

    @Test("a completion is never dated before the approval nor in an earlier school year than its receipt")
    func clientDatesAreBounded() async throws {
        // Given Alice approved an hour ago in a session that started an hour ago
        let fixture = try await TrackingFixture.make()
        try await fixture.seed(enrolments: [Self.enrolment: Self.alice])
        let participant = try await Callers.participant(Self.alice)
        let lastYear = Date().addingTimeInterval(-400 * 86400)
        try await fixture.application.test(.router) { client in
            // When she dates her reports more than a year back
            for (id, activity, score) in [("r1", "video", nil), ("r2", "quiz", 0.9)] as [(String, String, Double?)] {
                let response = try await client.send(
                    .post, "/enrolments/\(Self.enrolment)/progress",
                    json: ProgressRecord(
                        id: id, activityID: activity, completed: score == nil ? true : nil, score: score,
                        occurredAt: lastYear),
                    headers: participant)
                #expect(response.status == .created)
            }
            let sheet = try await client.send(
                .post, "/sessions/\(fixture.sessionID)/attendance",
                json: AttendanceSheet(
                    activityID: "meeting", entries: [.init(enrolmentID: Self.enrolment, status: .present)]),
                headers: try await Callers.trainer())
            #expect(sheet.status == .ok)
        }
        // Then the completion is dated no earlier than the approval, in this school year
        let event = try #require(try await fixture.outboxMessages(type: CourseCompleted.eventType.rawValue).first)
        let completed = try EventCoding.decode(CloudEvent<CourseCompleted>.self, from: event.body).data
        #expect(completed.completedAt >= Events.t0)
        #expect(SchoolYear.containing(completed.completedAt) == SchoolYear.containing(Date()))
    }

    @Test("staff may backdate attendance within the enrolment, and the backdating is audited")
    func staffBackdatingIsAudited() async throws {
        let fixture = try await TrackingFixture.make()
        try await fixture.seed(enrolments: [Self.enrolment: Self.alice])
        let recordedAt = Events.t0.addingTimeInterval(600)
        try await fixture.application.test(.router) { client in
            let sheet = try await client.send(
                .post, "/sessions/\(fixture.sessionID)/attendance",
                json: AttendanceSheet(
                    activityID: "meeting", entries: [.init(enrolmentID: Self.enrolment, status: .present)],
                    recordedAt: recordedAt),
                headers: try await Callers.trainer())
            #expect(sheet.status == .ok)
        }
        let (audit, attendedAt) = try await fixture.store.read { db in
            (
                try AuditEntry.fetchAll(session: fixture.sessionID, db),
                try ActivityProgressRow.fetch(session: fixture.sessionID, enrolment: Self.enrolment, db)["meeting"]?
                    .attendanceRecordedAt
            )
        }
        #expect(audit.map(\.action) == ["attendance-backdated"])
        #expect(audit.first?.actorID == Plan.trainer)
        #expect(abs((attendedAt ?? .distantPast).timeIntervalSince(recordedAt)) < 0.001, "the time the trainer gave")
    }

    // MARK: - Events that overtake each other

    @Test("a progress statement for an enrolment tracking has not received is refused (503, Retry-After), stored later")
    func statementBeforeItsEnrolment() async throws {
        // Given the course and session are known, but not yet Alice's approval
        let fixture = try await TrackingFixture.make()
        try await fixture.seed(enrolments: [:])
        let alice = try await XAPIStatementsTests.alice()
        let statementID = UUID().uuidString.lowercased()
        let body = XAPIStatementsTests.statement(id: statementID)
        try await fixture.application.test(.router) { client in
            // When her completion statement arrives first
            let early = try await Self.post(client, body, as: alice)
            // Then it is refused as retryable, and nothing is stored
            #expect(early.status == .serviceUnavailable)
            #expect(early.headers[.retryAfter] == "5")
            #expect(early.text.contains("registration"))
            #expect(try await fixture.rowCount("xapi_statement") == 0)
            // When the approval arrives and the client sends it again
            try await fixture.projector.apply(
                Events.envelope(
                    Events.approved(fixture.sessionID, enrolmentID: Self.enrolment, participantID: Self.alice)))
            let again = try await Self.post(client, body, as: alice)
            // Then it is stored and its progress applied
            #expect(again.status == .ok)
            let progress = try await client.execute(
                uri: "/enrolments/\(Self.enrolment)/progress", method: .get,
                headers: try await Callers.participant(Self.alice))
            let video = try progress.decode(EnrolmentProgressView.self).activities.first { $0.activityID == "video" }
            #expect(video?.done == true)
        }
    }

    @Test("a statement that moves no progress is stored whatever tracking knows of its registration")
    func otherStatementsAreStored() async throws {
        let fixture = try await TrackingFixture.make()
        let alice = try await XAPIStatementsTests.alice()
        try await fixture.application.test(.router) { client in
            let foreign = try await Self.post(
                client, XAPIStatementsTests.statement(object: "https://example.org/activities/elsewhere"), as: alice)
            #expect(foreign.status == .ok)
        }
        #expect(try await fixture.rowCount("xapi_statement") == 1)
    }

    @Test("a cancellation that arrives before its session still stops tracking when the session arrives")
    func cancellationBeforeTheSession() async throws {
        let fixture = try await TrackingFixture.make()
        try await fixture.projector.apply(Events.envelope(Events.coursePublished()))
        // Given the cancellation arrives first
        try await fixture.projector.apply(
            Events.envelope(
                SessionCancelled(sessionID: fixture.sessionID, actorID: "ien-1", reason: "r", occurredAt: Events.t0)))
        // When the session and an approval arrive after it
        try await fixture.projector.apply(Events.envelope(Events.sessionScheduled(fixture.sessionID)))
        try await fixture.projector.apply(
            Events.envelope(Events.approved(fixture.sessionID, enrolmentID: Self.enrolment, participantID: Self.alice)))
        // Then the session is cancelled and progress is refused
        try await fixture.application.test(.router) { client in
            let response = try await client.send(
                .post, "/enrolments/\(Self.enrolment)/progress",
                json: ProgressRecord(id: "r1", activityID: "video", completed: true),
                headers: try await Callers.participant(Self.alice))
            #expect(response.status == .conflict)
            #expect(response.text.contains("cancelled"))
        }
    }

    // MARK: - Staff changes

    @Test("a staff change replaces who records attendance: the removed trainer is refused, the new one accepted")
    func staffChange() async throws {
        let fixture = try await TrackingFixture.make()
        try await fixture.seed(enrolments: [Self.enrolment: Self.alice])
        // When the manager replaces trainer-1 by trainer-2 (and an older change arrives late)
        try await fixture.projector.apply(
            Events.envelope(
                SessionStaffChanged(
                    sessionID: fixture.sessionID, academy: Plan.academy, trainerIDs: ["trainer-2"],
                    tutorIDs: [Plan.tutor],
                    actorID: "ien-1", occurredAt: Events.t0.addingTimeInterval(120))))
        try await fixture.projector.apply(
            Events.envelope(
                SessionStaffChanged(
                    sessionID: fixture.sessionID, academy: Plan.academy, trainerIDs: ["trainer-old"], tutorIDs: [],
                    actorID: "ien-1", occurredAt: Events.t0.addingTimeInterval(60))))
        let sheet = AttendanceSheet(
            activityID: "meeting", entries: [.init(enrolmentID: Self.enrolment, status: .present)])
        try await fixture.application.test(.router) { client in
            let removed = try await client.send(
                .post, "/sessions/\(fixture.sessionID)/attendance", json: sheet, headers: try await Callers.trainer())
            #expect(removed.status == .forbidden)
            let removedRead = try await client.execute(
                uri: "/sessions/\(fixture.sessionID)/progress", method: .get, headers: try await Callers.trainer())
            #expect(removedRead.status == .forbidden)
            let added = try await client.send(
                .post, "/sessions/\(fixture.sessionID)/attendance", json: sheet,
                headers: try await Callers.trainer("trainer-2"))
            #expect(added.status == .ok)
        }
    }

    @Test("a staff change for a session tracking does not know yet is retried, not parked or dropped")
    func staffChangeBeforeTheSession() async throws {
        let fixture = try await TrackingFixture.make()
        let change = Events.envelope(
            SessionStaffChanged(
                sessionID: fixture.sessionID, academy: Plan.academy, trainerIDs: ["trainer-2"], tutorIDs: [],
                actorID: "ien-1", occurredAt: Events.t0.addingTimeInterval(120)))
        await #expect(throws: ReadModelProjector.SessionNotYetKnown.self) { try await fixture.projector.apply(change) }
        // Once the session is known, the redelivered change applies, and a later `session.scheduled` keeps it
        try await fixture.projector.apply(Events.envelope(Events.sessionScheduled(fixture.sessionID)))
        try await fixture.projector.apply(change)
        try await fixture.projector.apply(Events.envelope(Events.sessionScheduled(fixture.sessionID)))
        let session = try await fixture.store.read { db in try SessionRow.fetch(fixture.sessionID, db) }
        #expect(session?.trainerIDs == ["trainer-2"])
    }
}
