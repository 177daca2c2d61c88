import Contracts
import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ServiceSupport
import Testing

@testable import TrackingService

/// Corrections (issue 18) on a real SQLite file: a trainer's attendance correction, a voided statement and a
/// manager's re-evaluation revoke or revise a completion already announced — once, with deterministic ids,
/// audited — and never rewrite it silently.
@Suite("Corrections of completions")
struct CorrectionsTests {
    static let enrolment = "7f2c1d0e-4b6a-4c55-9a1e-0d1f2a3b4c5d"
    static let alice = "p-alice"

    static func sheet(_ activity: String, _ status: AttendanceStatus, reason: String? = nil) -> AttendanceSheet {
        AttendanceSheet(activityID: activity, entries: [.init(enrolmentID: enrolment, status: status)], reason: reason)
    }

    /// Alice completes the course: the video, the quiz passed, the meeting attended.
    static func complete(_ client: some TestClientProtocol, session: String) async throws {
        let uri = "/enrolments/\(enrolment)/progress"
        let alice = try await Callers.participant(Self.alice)
        try await client.send(
            .post, uri, json: ProgressRecord(id: "r1", activityID: "video", completed: true), headers: alice)
        try await client.send(
            .post, uri, json: ProgressRecord(id: "r2", activityID: "quiz", score: 0.9), headers: alice)
        let sheet = try await client.send(
            .post, "/sessions/\(session)/attendance", json: sheet("meeting", .present),
            headers: try await Callers.trainer())
        #expect(try sheet.decode(TrackingApplication.AttendanceReceipt.self).completedEnrolments == [enrolment])
    }

    func events<E: DomainEvent>(_ type: E.Type, _ fixture: TrackingFixture) async throws -> [CloudEvent<E>] {
        try await fixture.outboxMessages(type: E.eventType.rawValue).map {
            try EventCoding.decode(CloudEvent<E>.self, from: $0.body)
        }
    }

    @Test(
        "a trainer's correction of attendance says why, revokes the completion once, and a second correction back completes it as revision 2"
    )
    func attendanceCorrection() async throws {
        let fixture = try await TrackingFixture.make()
        try await fixture.seed(enrolments: [Self.enrolment: Self.alice])
        try await fixture.application.test(.router) { client in
            try await Self.complete(client, session: fixture.sessionID)
            let attendance = "/sessions/\(fixture.sessionID)/attendance"
            let trainer = try await Callers.trainer()

            // Without a reason, a change of what was recorded is refused, and nothing changes.
            let before = try await fixture.snapshot()
            let unexplained = try await client.send(
                .post, attendance, json: Self.sheet("meeting", .absent), headers: trainer)
            #expect(unexplained.status == .unprocessableContent)
            #expect(try await fixture.snapshot() == before)

            let corrected = try await client.send(
                .post, attendance, json: Self.sheet("meeting", .absent, reason: "émargement mal saisi"),
                headers: trainer)
            #expect(corrected.status == .ok)
            #expect(
                try corrected.decode(TrackingApplication.AttendanceReceipt.self).revokedEnrolments == [Self.enrolment])
            // The same correction again (a retried request) changes nothing more.
            try await client.send(
                .post, attendance, json: Self.sheet("meeting", .absent, reason: "émargement mal saisi"),
                headers: trainer)

            let view = try await client.execute(
                uri: "/enrolments/\(Self.enrolment)/progress", method: .get,
                headers: try await Callers.participant(Self.alice)
            ).decode(EnrolmentProgressView.self)
            #expect(view.completion == nil)
            #expect(view.creditedInPersonMinutes == 0)

            let audit = try await client.execute(
                uri: "/sessions/\(fixture.sessionID)/audit", method: .get, headers: try await Callers.manager())
            #expect(audit.status == .ok)
            let entries = try audit.decode(ProgressController.AuditEntries.self).entries
            #expect(entries.map(\.action) == ["attendance-corrected"])
            #expect(entries.first?.actorID == Plan.trainer)
            #expect(entries.first?.detail.contains("present → absent") == true)
            #expect(entries.first?.detail.contains("émargement mal saisi") == true)

            // Present after all: the course is completed again, as revision 2.
            try await client.send(
                .post, attendance, json: Self.sheet("meeting", .present, reason: "présente, arrivée en retard"),
                headers: trainer)
        }
        let revoked = try await events(CourseCompletionRevoked.self, fixture)
        #expect(revoked.count == 1)
        let completed = try await events(CourseCompleted.self, fixture)
        #expect(completed.map(\.data.revision) == [1, 2])
        let revocation = try #require(revoked.first)
        #expect(revocation.id == DeterministicID.completionRevoked(enrolmentID: Self.enrolment, revision: 1))
        #expect(revocation.data.completionEventID == completed[0].id)
        #expect(revocation.data.cause == .attendanceCorrected)
        #expect(revocation.data.inPersonMinutes == 180 && revocation.data.distanceMinutes == 50)
        #expect(
            completed[1].id == DeterministicID.courseCompleted(enrolmentID: Self.enrolment, ruleVersion: 2, revision: 2)
        )
        #expect(completed[1].id != completed[0].id)
    }

    @Test("correcting an optional virtual class revises the completion: revoked, then revision 2 with fewer hours")
    func revisedHours() async throws {
        let fixture = try await TrackingFixture.make()
        try await fixture.seed(enrolments: [Self.enrolment: Self.alice])
        try await fixture.application.test(.router) { client in
            let trainer = try await Callers.trainer()
            try await client.send(
                .post, "/sessions/\(fixture.sessionID)/attendance", json: Self.sheet("class", .present),
                headers: trainer)
            try await Self.complete(client, session: fixture.sessionID)
            let receipt = try await client.send(
                .post, "/sessions/\(fixture.sessionID)/attendance",
                json: Self.sheet("class", .excused, reason: "absence justifiée"), headers: trainer
            ).decode(TrackingApplication.AttendanceReceipt.self)
            #expect(receipt.revokedEnrolments == [Self.enrolment])
            #expect(receipt.completedEnrolments == [Self.enrolment])
        }
        let completed = try await events(CourseCompleted.self, fixture)
        #expect(completed.map(\.data.revision) == [1, 2])
        #expect(completed.map(\.data.distanceMinutes) == [30 + 20 + 60, 30 + 20])
        #expect(try await events(CourseCompletionRevoked.self, fixture).map(\.data.revision) == [1])
    }

    @Test("voiding the statement that completed an activity takes its progress back and revokes the completion")
    func voidedStatement() async throws {
        let fixture = try await TrackingFixture.make()
        try await fixture.seed(enrolments: [Self.enrolment: Self.alice])
        try await fixture.application.test(.router) { client in
            let alice = XAPIStatementsTests.xapi(try await Callers.participant(Self.alice))
            let statementID = "0d6e5c4b-3a29-4817-a6f5-e4d3c2b1a098"
            let stored = try await client.send(
                .post, "/xapi/statements", raw: XAPIStatementsTests.statement(id: statementID), headers: alice)
            #expect(stored.status == .ok)
            try await client.send(
                .post, "/enrolments/\(Self.enrolment)/progress",
                json: ProgressRecord(id: "q", activityID: "quiz", score: 0.8),
                headers: try await Callers.participant(Self.alice))
            try await client.send(
                .post, "/sessions/\(fixture.sessionID)/attendance", json: Self.sheet("meeting", .present),
                headers: try await Callers.trainer())
            #expect(try await events(CourseCompleted.self, fixture).count == 1)

            let voided = try await client.send(
                .post, "/xapi/statements", raw: XAPIStatementsTests.voiding(statementID, by: Self.alice), headers: alice
            )
            #expect(voided.status == .ok)
            let view = try await client.execute(
                uri: "/enrolments/\(Self.enrolment)/progress", method: .get,
                headers: try await Callers.participant(Self.alice)
            ).decode(EnrolmentProgressView.self)
            #expect(view.completion == nil)
            #expect(view.activities.first { $0.activityID == "video" }?.done == false)
            #expect(view.activities.first { $0.activityID == "meeting" }?.attendance == .present, "the sheet stays")
        }
        let revoked = try await events(CourseCompletionRevoked.self, fixture)
        #expect(revoked.map(\.data.cause) == [.statementVoided])
        let voidedAt = try await fixture.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM progress_record WHERE voided_at IS NOT NULL")
        }
        #expect(voidedAt == 1, "the voided statement's record is kept, marked")
    }

    @Test("a manager re-evaluates an enrolment saying why; others may not; an unchanged outcome announces nothing")
    func reevaluation() async throws {
        let fixture = try await TrackingFixture.make()
        try await fixture.seed(enrolments: [Self.enrolment: Self.alice])
        try await fixture.application.test(.router) { client in
            try await Self.complete(client, session: fixture.sessionID)
            let uri = "/enrolments/\(Self.enrolment)/reevaluation"
            let forbidden = try await client.send(
                .post, uri, json: ["reason": "contrôle"], headers: try await Callers.trainer())
            #expect(forbidden.status == .forbidden)
            let otherAcademy = try await client.send(
                .post, uri, json: ["reason": "contrôle"], headers: try await Callers.manager(academy: "nantes"))
            #expect(otherAcademy.status == .forbidden)
            let noReason = try await client.send(
                .post, uri, json: ["reason": "  "], headers: try await Callers.manager())
            #expect(noReason.status == .unprocessableContent)
            let answer = try await client.send(
                .post, uri, json: ["reason": "contrôle de fin de session"], headers: try await Callers.manager())
            #expect(answer.status == .ok)
            let receipt = try answer.decode(TrackingApplication.ReevaluationReceipt.self)
            #expect(receipt.result == .unchanged && receipt.revision == 1)
            let audit = try await client.execute(
                uri: "/sessions/\(fixture.sessionID)/audit", method: .get, headers: try await Callers.trainer()
            ).decode(ProgressController.AuditEntries.self).entries
            #expect(audit.map(\.action) == ["completion-reevaluated"])
            #expect(audit.first?.detail.contains("contrôle de fin de session") == true)
        }
        #expect(try await events(CourseCompleted.self, fixture).count == 1)
        #expect(try await events(CourseCompletionRevoked.self, fixture).isEmpty)
    }

    @Test("two sessions pinning two versions of a course with different rules complete differently")
    func twoVersionsTwoSessions() async throws {
        let fixture = try await TrackingFixture.make()
        try await fixture.seed(enrolments: [Self.enrolment: Self.alice])
        // Version 2: the forum becomes one of "one of the forum and the virtual class", a minimum of 10 minutes on
        // the video.
        var activities = Plan.activities
        activities[0] = .sample("video", "Video", .video, minutes: 30, minimumMinutes: 10)
        let published = Events.coursePublished(activities: activities)
        let version2 = CoursePublished(
            courseID: published.courseID, version: 2, title: published.title, summary: published.summary,
            objectives: published.objectives, keywords: published.keywords, domain: published.domain,
            audience: published.audience, origin: published.origin, nature: published.nature,
            activities: activities, owner: published.owner, publishedAt: published.publishedAt,
            distanceMinutes: published.distanceMinutes, inPersonMinutes: published.inPersonMinutes,
            durationBucket: published.durationBucket,
            completionGroups: [.init(id: "exchange", title: "Échanger", activityIDs: ["class", "forum"], minimum: 1)])
        try await fixture.projector.apply(Events.envelope(version2))
        let scheduled = Events.sessionScheduled(fixture.sessionID + "-v2")
        let secondSession = SessionScheduled(
            sessionID: scheduled.sessionID, course: CourseVersionRef(courseID: Plan.courseID, version: 2),
            academy: scheduled.academy, schoolLevel: scheduled.schoolLevel, district: scheduled.district,
            title: scheduled.title, calendar: scheduled.calendar, trainerIDs: scheduled.trainerIDs,
            tutorIDs: scheduled.tutorIDs, capacity: scheduled.capacity, mode: scheduled.mode,
            actorID: scheduled.actorID, occurredAt: scheduled.occurredAt)
        try await fixture.projector.apply(Events.envelope(secondSession))
        let bob = "e-bob-v2"
        try await fixture.projector.apply(
            Events.envelope(Events.approved(secondSession.sessionID, enrolmentID: bob, participantID: "p-bob")))
        try await fixture.application.test(.router) { client in
            try await Self.complete(client, session: fixture.sessionID)
            let headers = try await Callers.participant("p-bob")
            let uri = "/enrolments/\(bob)/progress"
            try await client.send(
                .post, uri, json: ProgressRecord(id: "r1", activityID: "video", timeSpentSeconds: 300, completed: true),
                headers: headers)
            try await client.send(
                .post, uri, json: ProgressRecord(id: "r2", activityID: "quiz", score: 0.9), headers: headers)
            try await client.send(
                .post, "/sessions/\(secondSession.sessionID)/attendance",
                json: AttendanceSheet(activityID: "meeting", entries: [.init(enrolmentID: bob, status: .present)]),
                headers: try await Callers.trainer())
            var view = try await client.execute(uri: uri, method: .get, headers: headers).decode(
                EnrolmentProgressView.self)
            #expect(view.completion == nil, "5 minutes of 10 on the video, and neither the class nor the forum")
            #expect(view.requiredTotal == 4 && view.requiredDone == 2)
            try await client.send(
                .post, uri, json: ProgressRecord(id: "r3", activityID: "video", timeSpentSeconds: 300), headers: headers
            )
            try await client.send(
                .post, uri, json: ProgressRecord(id: "r4", activityID: "forum", completed: true), headers: headers)
            view = try await client.execute(uri: uri, method: .get, headers: headers).decode(EnrolmentProgressView.self)
            let completion = try #require(view.completion)
            #expect(
                completion.criteriaMet == [
                    "required-activities-completed", "group:exchange", "completed:video", "minimum-time:video",
                    "passed:quiz", "attended:meeting", "completed:forum",
                ])
            #expect(completion.ruleVersion == 2)
        }
    }

    /// Alice spends 40 minutes on the video and scores 0.65 on the quiz (short of its 0.7); Bob declares the video
    /// done without time and scores 0.9; both attend the meeting: Bob completes, Alice does not. Returns the sheet.
    static func aliceShortBobCompleted(
        _ client: some TestClientProtocol, session: String, bob: (enrolment: String, participant: String)
    ) async throws -> AttendanceSheet {
        let alice = try await Callers.participant(Self.alice)
        let uri = "/enrolments/\(enrolment)/progress"
        try await client.send(
            .post, uri, json: ProgressRecord(id: "v", activityID: "video", timeSpentSeconds: 2400, completed: true),
            headers: alice)
        try await client.send(
            .post, uri, json: ProgressRecord(id: "q", activityID: "quiz", score: 0.65), headers: alice)
        let bobHeaders = try await Callers.participant(bob.participant)
        let bobURI = "/enrolments/\(bob.enrolment)/progress"
        try await client.send(
            .post, bobURI, json: ProgressRecord(id: "v", activityID: "video", completed: true), headers: bobHeaders)
        try await client.send(
            .post, bobURI, json: ProgressRecord(id: "q", activityID: "quiz", score: 0.9), headers: bobHeaders)
        let present = AttendanceSheet(
            activityID: "meeting",
            entries: [
                .init(enrolmentID: enrolment, status: .present), .init(enrolmentID: bob.enrolment, status: .present),
            ])
        try await client.send(
            .post, "/sessions/\(session)/attendance", json: present, headers: try await Callers.trainer())
        return present
    }

    static func revised(_ revision: Int, quizThreshold: Double, videoMinimum: Int?) -> CourseRulesRevised {
        CourseRulesRevised(
            courseID: Plan.courseID, version: 1, rulesRevision: revision,
            activities: Plan.activities.map { activity in
                switch activity.id {
                case "quiz":
                    .init(activityID: "quiz", required: true, passThreshold: quizThreshold, moveOn: .passed)
                case "video": .init(activityID: "video", required: true, minimumMinutes: videoMinimum)
                default: .init(of: activity)
                }
            }, completionGroups: [], reason: "seuil corrigé", designerID: "d-1", revisedAt: Events.t0)
    }

    @Test(
        "a designer's correction of the rules changes nothing announced until a manager re-evaluates the session: then one completes, another is revoked"
    )
    func rulesCorrectionAndSessionReevaluation() async throws {
        let fixture = try await TrackingFixture.make()
        let (bobEnrolment, bob) = ("e-bob", "p-bob")
        try await fixture.seed(enrolments: [Self.enrolment: Self.alice, bobEnrolment: bob])
        await #expect(throws: (any Error).self, "a correction of a version tracking does not know is retried") {
            try await fixture.projector.apply(
                Events.envelope(
                    CourseRulesRevised(
                        courseID: "unknown", version: 1, rulesRevision: 2, activities: [], completionGroups: [],
                        reason: "r", designerID: nil, revisedAt: Events.t0)))
        }
        try await fixture.application.test(.router) { client in
            _ = try await Self.aliceShortBobCompleted(client, session: fixture.sessionID, bob: (bobEnrolment, bob))

            // The designer lowers the quiz's threshold and asks 30 minutes on the video.
            let correction = Events.envelope(Self.revised(2, quizThreshold: 0.6, videoMinimum: 30))
            try await fixture.projector.apply(correction)
            try await fixture.projector.apply(correction)  // redelivered
            try await fixture.projector.apply(Events.envelope(Self.revised(1, quizThreshold: 0.9, videoMinimum: nil)))
            #expect(try await events(CourseCompleted.self, fixture).map(\.data.enrolmentID) == [bobEnrolment])
            #expect(try await events(CourseCompletionRevoked.self, fixture).isEmpty, "nothing rewritten silently")

            let refused = try await client.send(
                .post, "/sessions/\(fixture.sessionID)/reevaluation", json: ["reason": "règles corrigées"],
                headers: try await Callers.trainer())
            #expect(refused.status == .forbidden)
            let answer = try await client.send(
                .post, "/sessions/\(fixture.sessionID)/reevaluation", json: ["reason": "règles du parcours corrigées"],
                headers: try await Callers.manager())
            #expect(answer.status == .ok)
            let receipt = try answer.decode(TrackingApplication.SessionReevaluationReceipt.self)
            let results = Dictionary(uniqueKeysWithValues: receipt.enrolments.map { ($0.enrolmentID, $0) })
            #expect(results[Self.enrolment]?.result == .completed)
            #expect(results[bobEnrolment]?.result == .revoked)
            #expect(receipt.enrolments.allSatisfy { $0.rulesRevision == 2 })
            let audit = try await client.execute(
                uri: "/sessions/\(fixture.sessionID)/audit", method: .get, headers: try await Callers.manager()
            ).decode(ProgressController.AuditEntries.self).entries
            #expect(audit.filter { $0.action == "completion-reevaluated" }.count == 2)
        }
        let completed = try await events(CourseCompleted.self, fixture)
        #expect(completed.map(\.data.enrolmentID) == [bobEnrolment, Self.enrolment])
        #expect(completed.last?.data.rulesRevision == 2)
        #expect(completed.last?.data.criteriaMet.contains("minimum-time:video") == true)
        let revoked = try await events(CourseCompletionRevoked.self, fixture)
        #expect(revoked.map(\.data.enrolmentID) == [bobEnrolment] && revoked.first?.data.cause == .reevaluated)
    }

    @Test(
        "after a rules revision, a sheet that corrects nothing revokes nothing, and the next report derives the pass again under the new threshold"
    )
    func rulesRevisionWithoutReevaluation() async throws {
        let fixture = try await TrackingFixture.make()
        let (bobEnrolment, bob) = ("e-bob", "p-bob")
        try await fixture.seed(enrolments: [Self.enrolment: Self.alice, bobEnrolment: bob])
        try await fixture.application.test(.router) { client in
            let present = try await Self.aliceShortBobCompleted(
                client, session: fixture.sessionID, bob: (bobEnrolment, bob))
            let trainer = try await Callers.trainer()
            let alice = try await Callers.participant(Self.alice)
            let uri = "/enrolments/\(Self.enrolment)/progress"
            // The designer lowers the threshold and asks 30 minutes on the video, which Bob never spent.
            try await fixture.projector.apply(Events.envelope(Self.revised(2, quizThreshold: 0.6, videoMinimum: 30)))

            // The same sheet again, and a first record of the optional class: no correction, nothing revoked.
            let again = try await client.send(
                .post, "/sessions/\(fixture.sessionID)/attendance", json: present, headers: trainer)
            #expect(try again.decode(TrackingApplication.AttendanceReceipt.self).revokedEnrolments.isEmpty)
            try await client.send(
                .post, "/sessions/\(fixture.sessionID)/attendance",
                json: AttendanceSheet(
                    activityID: "class", entries: [.init(enrolmentID: bobEnrolment, status: .absent)]),
                headers: trainer)
            #expect(try await events(CourseCompletionRevoked.self, fixture).isEmpty)

            // Alice's next report: her 0.65 is derived again against 0.6, and the course is completed under revision 2.
            let forum = try await client.send(
                .post, uri, json: ProgressRecord(id: "f", activityID: "forum", completed: true), headers: alice)
            let view = try forum.decode(EnrolmentProgressView.self)
            #expect(view.completion?.rulesRevision == 2)
            #expect(view.activities.first { $0.activityID == "quiz" }?.done == true)
        }
        #expect(
            try await events(CourseCompleted.self, fixture).map(\.data.enrolmentID) == [bobEnrolment, Self.enrolment])
    }
}
