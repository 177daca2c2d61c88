import Contracts
import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ServiceSupport
import Testing

@testable import TrackingService

/// The JSON API of progress and completion, on a real SQLite file.
@Suite("Progress API")
struct ProgressAPITests {
    static let enrolment = "e-alice"
    static let alice = "p-alice"

    @Test("progress on each required activity completes the course once, with hours from what was actually done")
    func completesOnce() async throws {
        let fixture = try await TrackingFixture.make()
        try await fixture.seed(enrolments: [Self.enrolment: Self.alice])
        try await fixture.application.test(.router) { client in
            let uri = "/enrolments/\(Self.enrolment)/progress"
            let video = try await client.send(
                .post, uri,
                json: ProgressRecord(id: "r1", activityID: "video", timeSpentSeconds: 1500, completed: true),
                headers: try await Callers.participant(Self.alice))
            #expect(video.status == .created)
            try await client.send(
                .post, uri, json: ProgressRecord(id: "r2", activityID: "quiz", timeSpentSeconds: 300, score: 0.5),
                headers: try await Callers.participant(Self.alice))
            try await client.send(
                .post, uri, json: ProgressRecord(id: "r3", activityID: "forum", completed: true),
                headers: try await Callers.participant(Self.alice))
            let passed = try await client.send(
                .post, uri, json: ProgressRecord(id: "r4", activityID: "quiz", timeSpentSeconds: 200, score: 0.8),
                headers: try await Callers.participant(Self.alice))
            #expect(try passed.decode(EnrolmentProgressView.self).completion == nil, "the meeting is not attended yet")
            #expect(try await fixture.outboxMessages(type: "tracking.course.completed.v1").isEmpty)

            let sheet = AttendanceSheet(
                activityID: "meeting", entries: [.init(enrolmentID: Self.enrolment, status: .present)])
            let attendance = try await client.send(
                .post, "/sessions/\(fixture.sessionID)/attendance", json: sheet, headers: try await Callers.trainer())
            #expect(attendance.status == .ok)
            #expect(
                try attendance.decode(TrackingApplication.AttendanceReceipt.self).completedEnrolments == [
                    Self.enrolment
                ])

            let view = try await client.execute(
                uri: uri, method: .get, headers: try await Callers.participant(Self.alice)
            ).decode(EnrolmentProgressView.self)
            let completion = try #require(view.completion)
            #expect(completion.distanceMinutes == 30 + 20 + 45, "video, quiz and the optional forum")
            #expect(completion.inPersonMinutes == 180)
            #expect(completion.ruleVersion == 2)
            #expect(completion.revision == 1)
            #expect(view.percentRequiredDone == 100)
            #expect(view.secondsSpent == 2000)
            #expect(view.activities.first { $0.activityID == "quiz" }?.bestScore == 0.8)

            // Once more: a further report and attendance changes nothing about the completion.
            try await client.send(
                .post, uri, json: ProgressRecord(id: "r5", activityID: "video", timeSpentSeconds: 60),
                headers: try await Callers.participant(Self.alice))
            try await client.send(
                .post, "/sessions/\(fixture.sessionID)/attendance", json: sheet, headers: try await Callers.trainer())
        }
        let completed = try await fixture.outboxMessages(type: "tracking.course.completed.v1")
        #expect(completed.count == 1)
        let event = try EventCoding.decode(CloudEvent<CourseCompleted>.self, from: try #require(completed.first).body)
        #expect(event.id == DeterministicID.courseCompleted(enrolmentID: Self.enrolment, ruleVersion: 2))
        #expect(event.data.revision == 1)
        #expect(event.data.participantID == Self.alice)
        #expect(event.data.sessionID == fixture.sessionID)
        #expect(event.data.academy == "lyon")
        #expect(event.data.course == Plan.ref)
        #expect(event.data.distanceMinutes == 95)
        #expect(event.data.inPersonMinutes == 180)
        #expect(event.data.criteriaMet.contains("required-activities-completed"))
        let activities = try await fixture.outboxMessages(type: "tracking.activity.completed.v1")
        #expect(Set(activities.map { $0.subject ?? "" }) == [Self.enrolment])
        #expect(activities.count == 4, "video, forum, quiz, meeting: each announced once")
    }

    @Test(
        "with Prefer: return=minimal a report is answered by a small receipt that says whether it completed the course; a replay says so too"
    )
    func minimalReceipt() async throws {
        // Given an enrolment whose required activities are all done but the quiz
        let fixture = try await TrackingFixture.make()
        try await fixture.seed(enrolments: [Self.enrolment: Self.alice])
        try await fixture.application.test(.router) { client in
            let uri = "/enrolments/\(Self.enrolment)/progress"
            var alice = try await Callers.participant(Self.alice)
            try await client.send(
                .post, uri, json: ProgressRecord(id: "m1", activityID: "video", completed: true), headers: alice)
            let sheet = AttendanceSheet(
                activityID: "meeting", entries: [.init(enrolmentID: Self.enrolment, status: .present)])
            try await client.send(
                .post, "/sessions/\(fixture.sessionID)/attendance", json: sheet, headers: try await Callers.trainer())
            alice[HTTPField.Name("Prefer")!] = "respond-async, return=minimal"

            // When the passing quiz is reported with a minimal answer asked for, then sent again
            let quiz = ProgressRecord(id: "m2", activityID: "quiz", timeSpentSeconds: 300, score: 0.9)
            let first = try await client.send(.post, uri, json: quiz, headers: alice)
            let again = try await client.send(.post, uri, json: quiz, headers: alice)

            // Then the receipts say what happened, and nothing else
            #expect(first.status == .created)
            #expect(first.headers[HTTPField.Name("Preference-Applied")!] == "return=minimal")
            #expect(first.json as NSDictionary == ["id": "m2", "replayed": false, "courseCompleted": true])
            #expect(again.status == .ok)
            #expect(again.json as NSDictionary == ["id": "m2", "replayed": true, "courseCompleted": false])
            // and the report is stored as any other: the enrolment's progress shows the completion
            let view = try await client.send(.get, uri, headers: try await Callers.participant(Self.alice))
            #expect(try view.decode(EnrolmentProgressView.self).completion != nil)
        }
        #expect(try await fixture.outboxMessages(type: "tracking.course.completed.v1").count == 1)
    }

    @Test("a retried progress report changes nothing; the same id with other content is a conflict")
    func idempotent() async throws {
        let fixture = try await TrackingFixture.make()
        try await fixture.seed(enrolments: [Self.enrolment: Self.alice])
        try await fixture.application.test(.router) { client in
            let uri = "/enrolments/\(Self.enrolment)/progress"
            let record = ProgressRecord(id: "same", activityID: "video", timeSpentSeconds: 600, completed: true)
            let first = try await client.send(
                .post, uri, json: record, headers: try await Callers.participant(Self.alice))
            let second = try await client.send(
                .post, uri, json: record, headers: try await Callers.participant(Self.alice))
            #expect(first.status == .created)
            #expect(second.status == .ok)
            #expect(second.headers[HTTPField.Name("Idempotent-Replayed")!] == "true")
            #expect(try second.decode(EnrolmentProgressView.self).secondsSpent == 600)

            var other = record
            other.timeSpentSeconds = 601
            let conflict = try await client.send(
                .post, uri, json: other, headers: try await Callers.participant(Self.alice))
            #expect(conflict.status == .conflict)
            #expect(conflict.headers[.contentType] == "application/problem+json")
            let view = try await client.execute(
                uri: uri, method: .get, headers: try await Callers.participant(Self.alice)
            ).decode(EnrolmentProgressView.self)
            #expect(view.secondsSpent == 600)
        }
        #expect(try await fixture.rowCount("progress_record") == 1)
        #expect(try await fixture.outboxMessages(type: "tracking.activity.completed.v1").count == 1)
    }

    @Test("progress is refused for an unknown enrolment, a withdrawn one or a foreign activity, and nothing is stored")
    func refusals() async throws {
        let fixture = try await TrackingFixture.make()
        try await fixture.seed(enrolments: [Self.enrolment: Self.alice, "e-bob": "p-bob"])
        try await fixture.projector.apply(
            Events.envelope(Events.withdrawn(fixture.sessionID, enrolmentID: "e-bob", participantID: "p-bob")))
        try await fixture.application.test(.router) { client in
            let unknown = try await client.send(
                .post, "/enrolments/e-nobody/progress",
                json: ProgressRecord(id: "a", activityID: "video", completed: true),
                headers: try await Callers.participant(Self.alice))
            #expect(unknown.status == .notFound)
            let withdrawn = try await client.send(
                .post, "/enrolments/e-bob/progress",
                json: ProgressRecord(id: "b", activityID: "video", completed: true),
                headers: try await Callers.participant("p-bob"))
            #expect(withdrawn.status == .conflict)
            #expect(withdrawn.json["currentState"] as? String == "withdrawn")
            let foreign = try await client.send(
                .post, "/enrolments/\(Self.enrolment)/progress",
                json: ProgressRecord(id: "c", activityID: "not-in-course", completed: true),
                headers: try await Callers.participant(Self.alice))
            #expect(foreign.status == .unprocessableContent)
            let scoreOnVideo = try await client.send(
                .post, "/enrolments/\(Self.enrolment)/progress",
                json: ProgressRecord(id: "d", activityID: "video", score: 0.9),
                headers: try await Callers.participant(Self.alice))
            #expect(scoreOnVideo.status == .unprocessableContent)
            let selfAttended = try await client.send(
                .post, "/enrolments/\(Self.enrolment)/progress",
                json: ProgressRecord(id: "e", activityID: "meeting", completed: true),
                headers: try await Callers.participant(Self.alice))
            #expect(selfAttended.status == .unprocessableContent)
        }
        #expect(try await fixture.rowCount("progress_record") == 0)
        #expect(try await fixture.rowCount("activity_progress") == 0)
    }

    @Test("time spent is bounded: a negative record or one over 8 hours is refused with 422")
    func timeBounds() async throws {
        let fixture = try await TrackingFixture.make()
        try await fixture.seed(enrolments: [Self.enrolment: Self.alice])
        try await fixture.application.test(.router) { client in
            let uri = "/enrolments/\(Self.enrolment)/progress"
            let negative = try await client.send(
                .post, uri, json: ProgressRecord(id: "n", activityID: "video", timeSpentSeconds: -5),
                headers: try await Callers.participant(Self.alice))
            let long = try await client.send(
                .post, uri, json: ProgressRecord(id: "l", activityID: "video", timeSpentSeconds: 8 * 3600 + 1),
                headers: try await Callers.participant(Self.alice))
            let max = try await client.send(
                .post, uri, json: ProgressRecord(id: "m", activityID: "video", timeSpentSeconds: 8 * 3600),
                headers: try await Callers.participant(Self.alice))
            #expect(negative.status == .unprocessableContent)
            #expect(long.status == .unprocessableContent)
            #expect(max.status == .created)
            #expect((long.json["errors"] as? [[String: String]])?.first?["field"] == "timeSpentSeconds")
        }
        #expect(try await fixture.rowCount("progress_record") == 1)
    }

    @Test(
        "who may report: no token is 401, another participant is 403, the session's trainer is 403 (trainers record attendance)"
    )
    func actors() async throws {
        let fixture = try await TrackingFixture.make()
        try await fixture.seed(enrolments: [Self.enrolment: Self.alice])
        try await fixture.application.test(.router) { client in
            let uri = "/enrolments/\(Self.enrolment)/progress"
            let anonymous = try await client.send(.post, uri, json: ProgressRecord(id: "x", activityID: "video"))
            let stranger = try await client.send(
                .post, uri, json: ProgressRecord(id: "y", activityID: "video"),
                headers: try await Callers.participant("p-mallory"))
            let trainer = try await client.send(
                .post, uri, json: ProgressRecord(id: "z", activityID: "video"), headers: try await Callers.trainer())
            let owner = try await client.send(
                .post, uri, json: ProgressRecord(id: "w", activityID: "video"),
                headers: try await Callers.participant(Self.alice))
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
            #expect(stranger.status == .forbidden)
            #expect(trainer.status == .forbidden)
            #expect(owner.status == .created)
        }
        #expect(try await fixture.rowCount("progress_record") == 1)
    }

    @Test(
        "unknown query parameters and malformed bodies are 400, a body that is not JSON is 415, an unknown or malformed id 404"
    )
    func strictRequests() async throws {
        let fixture = try await TrackingFixture.make()
        try await fixture.seed(enrolments: [Self.enrolment: Self.alice])
        let trainer = try await Callers.trainer()
        let alice = try await Callers.participant(Self.alice)
        let aliceJSON = alice.setting(.contentType, "application/json")
        try await fixture.application.test(.router) { client in
            #expect(
                try await client.execute(
                    uri: "/sessions/\(fixture.sessionID)/progress?sort=name", method: .get, headers: trainer
                ).status == .badRequest)
            #expect(
                try await client.execute(
                    uri: "/sessions/\(fixture.sessionID)/summary?limit=5", method: .get, headers: trainer
                ).status == .badRequest)
            #expect(
                try await client.execute(
                    uri: "/enrolments/\(Self.enrolment)/progress?x=1", method: .get, headers: alice
                ).status == .badRequest)
            let malformed = try await client.send(
                .post, "/enrolments/\(Self.enrolment)/progress", raw: "{\"id\": ", headers: aliceJSON)
            #expect(malformed.status == .badRequest)
            let text = try await client.send(
                .post, "/enrolments/\(Self.enrolment)/progress", raw: "id=1",
                headers: alice.setting(.contentType, "text/plain"))
            #expect(text.status == .unsupportedMediaType)
            let deep = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
            #expect(
                try await client.send(.post, "/enrolments/\(Self.enrolment)/progress", raw: deep, headers: aliceJSON)
                    .status == .badRequest)
            #expect(
                try await client.execute(uri: "/sessions/unknown/progress", method: .get, headers: trainer).status
                    == .notFound)
            #expect(
                try await client.execute(uri: "/enrolments/e-nobody/progress", method: .get, headers: alice).status
                    == .notFound)

            // A path segment that cannot be an id is answered like an unknown id, as in every service: 404, with a
            // detail that does not echo it (it was 400 `invalid-parameter` here before the one HTTP edge).
            let tooLong = String(repeating: "s", count: 65)
            for uri in [
                "/sessions/\(tooLong)/progress", "/sessions/a%20b/summary", "/enrolments/e%3Calice%3E/progress",
            ] {
                let response = try await client.execute(uri: uri, method: .get, headers: trainer)
                #expect(response.status == .notFound, "\(uri)")
                #expect(response.json["type"] as? String == "urn:magistere:problem:not-found")
                #expect((response.json["detail"] as? String)?.contains("alice") == false)
            }
            let sheet = AttendanceSheet(
                activityID: "meeting", entries: [.init(enrolmentID: Self.enrolment, status: .present)])
            #expect(
                try await client.send(.post, "/sessions/\(tooLong)/attendance", json: sheet, headers: trainer).status
                    == .notFound)
        }
        #expect(try await fixture.rowCount("progress_record") == 0)
    }
}

/// Attendance sheets, the trainers' table and the summary.
@Suite("Attendance and the trainers' table")
struct AttendanceAPITests {
    @Test("a trainer records a whole session's attendance in one request; excused is not attended")
    func bulkAttendance() async throws {
        let fixture = try await TrackingFixture.make()
        try await fixture.seed(enrolments: ["e-1": "p-1", "e-2": "p-2", "e-3": "p-3"])
        try await fixture.application.test(.router) { client in
            let sheet = AttendanceSheet(
                activityID: "meeting",
                entries: [
                    .init(enrolmentID: "e-1", status: .present), .init(enrolmentID: "e-2", status: .excused),
                    .init(enrolmentID: "e-3", status: .absent),
                ])
            let response = try await client.send(
                .post, "/sessions/\(fixture.sessionID)/attendance", json: sheet, headers: try await Callers.trainer())
            #expect(response.status == .ok)
            #expect(try response.decode(TrackingApplication.AttendanceReceipt.self).recorded == 3)
            let table = try await client.execute(
                uri: "/sessions/\(fixture.sessionID)/progress", method: .get, headers: try await Callers.trainer()
            ).decode(SessionProgressView.self)
            let byEnrolment = Dictionary(uniqueKeysWithValues: table.participants.map { ($0.enrolmentID, $0) })
            #expect(byEnrolment["e-1"]?.attendance == ["meeting": .present])
            #expect(byEnrolment["e-2"]?.attendance == ["meeting": .excused])
            #expect(byEnrolment["e-1"]?.requiredDone == 1)
            #expect(byEnrolment["e-2"]?.requiredDone == 0, "excused is not attended")
            #expect(byEnrolment["e-1"]?.percentRequiredDone == 33)
        }
    }

    @Test("a sheet naming one unknown participant is refused whole (422), and nothing is stored")
    func allOrNothing() async throws {
        let fixture = try await TrackingFixture.make()
        try await fixture.seed(enrolments: ["e-1": "p-1"])
        try await fixture.application.test(.router) { client in
            let sheet = AttendanceSheet(
                activityID: "meeting",
                entries: [
                    .init(enrolmentID: "e-1", status: .present), .init(enrolmentID: "e-stranger", status: .present),
                ])
            let response = try await client.send(
                .post, "/sessions/\(fixture.sessionID)/attendance", json: sheet, headers: try await Callers.trainer())
            #expect(response.status == .unprocessableContent)
            #expect((response.json["errors"] as? [[String: String]])?.first?["field"] == "entries[1].enrolmentID")
        }
        #expect(try await fixture.rowCount("activity_progress") == 0)
    }

    @Test("only the session's trainers and tutors record attendance, and only for meetings and virtual classes")
    func attendanceRules() async throws {
        let fixture = try await TrackingFixture.make()
        try await fixture.seed(enrolments: ["e-1": "p-1"])
        try await fixture.application.test(.router) { client in
            let uri = "/sessions/\(fixture.sessionID)/attendance"
            let meeting = AttendanceSheet(activityID: "meeting", entries: [.init(enrolmentID: "e-1", status: .present)])
            let participant = try await client.send(
                .post, uri, json: meeting, headers: try await Callers.participant("p-1"))
            let anonymous = try await client.send(.post, uri, json: meeting)
            #expect(participant.status == .forbidden)
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
            let video = AttendanceSheet(activityID: "video", entries: [.init(enrolmentID: "e-1", status: .present)])
            let notMeeting = try await client.send(.post, uri, json: video, headers: try await Callers.trainer())
            let nowhere = try await client.send(
                .post, "/sessions/nowhere/attendance", json: meeting, headers: try await Callers.trainer())
            #expect(notMeeting.status == .unprocessableContent)
            #expect(nowhere.status == .notFound)
            let tutor = try await client.send(.post, uri, json: meeting, headers: try await Callers.tutor())
            #expect(tutor.status == .ok)
        }
        #expect(try await fixture.rowCount("activity_progress") == 1)
    }

    @Test("the trainers' table and the summary show progress, time, completion and last seen")
    func tableAndSummary() async throws {
        let fixture = try await TrackingFixture.make()
        try await fixture.seed(enrolments: ["e-1": "p-1", "e-2": "p-2", "e-3": "p-3"])
        try await fixture.projector.apply(
            Events.envelope(Events.withdrawn(fixture.sessionID, enrolmentID: "e-3", participantID: "p-3")))
        try await fixture.application.test(.router) { client in
            for (id, activity, score) in [("a", "video", nil), ("b", "quiz", 0.9 as Double?)] {
                try await client.send(
                    .post, "/enrolments/e-1/progress",
                    json: ProgressRecord(
                        id: id, activityID: activity, timeSpentSeconds: 100, completed: score == nil ? true : nil,
                        score: score), headers: try await Callers.participant("p-1"))
            }
            try await client.send(
                .post, "/enrolments/e-2/progress",
                json: ProgressRecord(id: "c", activityID: "video", timeSpentSeconds: 50, completed: true),
                headers: try await Callers.participant("p-2"))
            try await client.send(
                .post, "/sessions/\(fixture.sessionID)/attendance",
                json: AttendanceSheet(activityID: "meeting", entries: [.init(enrolmentID: "e-1", status: .present)]),
                headers: try await Callers.trainer())

            let table = try await client.execute(
                uri: "/sessions/\(fixture.sessionID)/progress", method: .get, headers: try await Callers.trainer()
            ).decode(SessionProgressView.self)
            let line = try #require(table.participants.first { $0.enrolmentID == "e-1" })
            #expect(line.completed)
            #expect(line.percentRequiredDone == 100)
            #expect(line.secondsSpent == 200)
            #expect(line.lastSeenAt != nil)
            #expect(table.participants.first { $0.enrolmentID == "e-2" }?.percentRequiredDone == 33)
            #expect(table.participants.first { $0.enrolmentID == "e-3" }?.status == "withdrawn")
            #expect(table.partition == TrackingPartitions.partition(ofSession: fixture.sessionID))

            let summary = try await client.execute(
                uri: "/sessions/\(fixture.sessionID)/summary", method: .get, headers: try await Callers.trainer()
            ).decode(SessionSummaryView.self)
            #expect(summary.participants == 2)
            #expect(summary.withdrawn == 1)
            #expect(summary.completed == 1)
            #expect(summary.averagePercentRequiredDone == 66.5)
        }
    }
}

/// The read models fed by events.
@Suite("Read models from events")
struct ReadModelTests {
    @Test("a redelivered approval after a withdrawal changes nothing, and each session row names its partition")
    func inboxAndPartition() async throws {
        let fixture = try await TrackingFixture.make()
        try await fixture.seed(enrolments: [:])
        let approval = Events.envelope(Events.approved(fixture.sessionID, enrolmentID: "e-1", participantID: "p-1"))
        try await fixture.projector.apply(approval)
        try await fixture.projector.apply(
            Events.envelope(Events.withdrawn(fixture.sessionID, enrolmentID: "e-1", participantID: "p-1")))
        try await fixture.projector.apply(approval)
        let (status, partition) = try await fixture.store.read { db in
            (
                try String.fetchOne(db, sql: "SELECT status FROM enrolment WHERE enrolment_id = 'e-1'"),
                try Int.fetchOne(
                    db, sql: "SELECT partition FROM session WHERE session_id = ?", arguments: [fixture.sessionID])
            )
        }
        #expect(status == "withdrawn")
        #expect(partition == TrackingPartitions.partition(ofSession: fixture.sessionID))
    }

    @Test("an approval arriving before its session is scheduled still starts tracking; the session fills in later")
    func approvalFirst() async throws {
        let fixture = try await TrackingFixture.make()
        try await fixture.projector.apply(Events.envelope(Events.coursePublished()))
        try await fixture.projector.apply(
            Events.envelope(Events.approved(fixture.sessionID, enrolmentID: "e-1", participantID: "p-1")))
        let view = try await fixture.assembly.application.enrolmentProgress(
            enrolmentID: "e-1", for: Caller(subject: "p-1", roles: [.participant]))
        #expect(view.activities.count == Plan.activities.count)
        try await fixture.projector.apply(Events.envelope(Events.sessionScheduled(fixture.sessionID)))
        let trainers = try await fixture.store.read { db in
            try String.fetchOne(
                db, sql: "SELECT trainer_ids FROM session WHERE session_id = ?", arguments: [fixture.sessionID])
        }
        #expect(trainers == "[\"\(Plan.trainer)\"]")
    }
}
