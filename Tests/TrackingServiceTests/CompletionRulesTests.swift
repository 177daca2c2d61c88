import Contracts
import Foundation
import Testing

@testable import TrackingService

/// The completion rules, as a table of cases: no HTTP, no broker, no disk.
@Suite("Completion rules, version 2")
struct CompletionRulesTests {
    static let t0 = Date(timeIntervalSince1970: 1_760_000_000)
    static func at(_ minutes: Int) -> Date { t0.addingTimeInterval(Double(minutes) * 60) }

    static let video = ActivitySnapshot(
        id: "video", title: "Video", kind: .video, grouping: .individual, modality: .distance, estimatedMinutes: 30,
        required: true)
    static let quiz = ActivitySnapshot(
        id: "quiz", title: "Quiz", kind: .selfAssessmentQuiz, grouping: .individual, modality: .distance,
        estimatedMinutes: 20, required: true, passThreshold: 0.7)
    static let meeting = ActivitySnapshot(
        id: "meeting", title: "Meeting", kind: .inPersonMeeting, grouping: .collective, modality: .inPerson,
        estimatedMinutes: 180, required: true)
    static let forum = ActivitySnapshot(
        id: "forum", title: "Forum", kind: .forum, grouping: .collective, modality: .distance, estimatedMinutes: 45,
        required: false)
    static let plan = [video, quiz, meeting, forum]

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var progress: [ActivityProgress]
        var withdrawn = false
        var completed: Bool
        var distance: Int
        var inPerson: Int
        var requiredDone: Int
        var completedAt: Date? = nil
        var testDescription: String { name }
    }

    static let watched = ActivityProgress(activityID: "video", completedAt: at(1))
    static let passed = ActivityProgress(activityID: "quiz", bestScore: 0.8, passedAt: at(2))
    static let attended = ActivityProgress(activityID: "meeting", attendance: .present, attendanceRecordedAt: at(3))

    static let cases: [Case] = [
        Case(
            name: "nothing done: not completed, nothing credited", progress: [], completed: false, distance: 0,
            inPerson: 0, requiredDone: 0),
        Case(
            name: "every required activity done: completed at the last one, optional forum not needed",
            progress: [watched, passed, attended], completed: true, distance: 50, inPerson: 180, requiredDone: 3,
            completedAt: at(3)),
        Case(
            name: "an optional activity done counts for hours, not for completion",
            progress: [watched, ActivityProgress(activityID: "forum", completedAt: at(4))], completed: false,
            distance: 75, inPerson: 0, requiredDone: 1),
        Case(
            name: "a quiz below its threshold is not passed",
            progress: [watched, ActivityProgress(activityID: "quiz", bestScore: 0.69), attended], completed: false,
            distance: 30, inPerson: 180, requiredDone: 2),
        Case(
            name: "a quiz failed then passed is passed (best attempt)",
            progress: [
                watched,
                ActivityProgress(activityID: "quiz", startedAt: at(0))
                    .applying(.init(id: "a1", activityID: "quiz", score: 0.4), of: quiz, at: at(1))
                    .applying(.init(id: "a2", activityID: "quiz", score: 0.9), of: quiz, at: at(5))
                    .applying(.init(id: "a3", activityID: "quiz", score: 0.5), of: quiz, at: at(6)),
                attended,
            ], completed: true, distance: 50, inPerson: 180, requiredDone: 3, completedAt: at(5)),
        Case(
            name: "a quiz score exactly at the threshold passes",
            progress: [watched, ActivityProgress(activityID: "quiz", bestScore: 0.7, passedAt: at(2)), attended],
            completed: true, distance: 50, inPerson: 180, requiredDone: 3, completedAt: at(3)),
        Case(
            name: "attendance missing: the meeting is not attended",
            progress: [watched, passed], completed: false, distance: 50, inPerson: 0, requiredDone: 2),
        Case(
            name: "an excused absence is not attendance and credits nothing",
            progress: [
                watched, passed,
                ActivityProgress(activityID: "meeting", attendance: .excused, attendanceRecordedAt: at(3)),
            ],
            completed: false, distance: 50, inPerson: 0, requiredDone: 2),
        Case(
            name: "a participant's 'completed' on a meeting does not replace attendance",
            progress: [watched, passed, ActivityProgress(activityID: "meeting", completedAt: at(3))],
            completed: false, distance: 50, inPerson: 0, requiredDone: 2),
        Case(
            name: "a withdrawn enrolment never completes, even with everything done",
            progress: [watched, passed, attended], withdrawn: true, completed: false, distance: 50, inPerson: 180,
            requiredDone: 3),
    ]

    @Test("each case of the table", arguments: cases)
    func table(_ test: Case) {
        let progress = Dictionary(uniqueKeysWithValues: test.progress.map { ($0.activityID, $0) })
        let assessment = CompletionRules.current.assess(
            activities: Self.plan, progress: progress, withdrawn: test.withdrawn)
        #expect(assessment.isCompleted == test.completed)
        #expect(assessment.distanceMinutes == test.distance)
        #expect(assessment.inPersonMinutes == test.inPerson)
        #expect(assessment.requiredDone == test.requiredDone)
        #expect(assessment.requiredTotal == 3)
        if let expected = test.completedAt { #expect(assessment.completedAt == expected) }
        #expect(assessment.criteriaMet.isEmpty == !test.completed)
    }

    @Test("a completion names rule version 2 and each criterion met, per activity")
    func ruleVersionAndCriteria() {
        let progress = Dictionary(
            uniqueKeysWithValues: [Self.watched, Self.passed, Self.attended].map { ($0.activityID, $0) })
        let assessment = CompletionRules.current.assess(activities: Self.plan, progress: progress, withdrawn: false)
        #expect(CompletionRules.current.version == 2)
        #expect(assessment.ruleVersion == 2)
        #expect(
            assessment.criteriaMet == [
                "required-activities-completed", "completed:video", "passed:quiz", "attended:meeting",
            ])
        #expect(assessment.percentRequiredDone == 100)
    }

    @Test("a lower attempt after a pass keeps the best score and the first pass time")
    func bestAttemptKept() {
        let progress = ActivityProgress(activityID: "quiz")
            .applying(
                .init(id: "1", activityID: "quiz", timeSpentSeconds: 60, score: 0.9), of: Self.quiz, at: Self.at(1)
            )
            .applying(
                .init(id: "2", activityID: "quiz", timeSpentSeconds: 30, score: 0.2), of: Self.quiz, at: Self.at(2))
        #expect(progress.bestScore == 0.9)
        #expect(progress.passedAt == Self.at(1))
        #expect(progress.secondsSpent == 90)
        #expect(progress.lastActivityAt == Self.at(2))
        #expect(progress.startedAt == Self.at(1))
    }

    @Test("a course without required activities completes once one activity is done")
    func noRequiredActivities() {
        let optional = [Self.forum]
        let before = CompletionRules.current.assess(activities: optional, progress: [:], withdrawn: false)
        let after = CompletionRules.current.assess(
            activities: optional, progress: ["forum": ActivityProgress(activityID: "forum", completedAt: Self.at(9))],
            withdrawn: false)
        #expect(!before.isCompleted)
        #expect(after.isCompleted)
        #expect(after.criteriaMet == ["any-activity-completed"])
    }

    @Test("progress records out of bounds are refused field by field")
    func recordBounds() {
        let now = Self.t0
        #expect(
            ProgressRecord(id: "p", activityID: "video", timeSpentSeconds: -1).violations(now: now).map(\.field) == [
                "timeSpentSeconds"
            ])
        #expect(
            ProgressRecord(id: "p", activityID: "video", timeSpentSeconds: 8 * 3600 + 1).violations(now: now).map(
                \.field) == ["timeSpentSeconds"])
        #expect(ProgressRecord(id: "p", activityID: "video", timeSpentSeconds: 8 * 3600).violations(now: now).isEmpty)
        #expect(ProgressRecord(id: "p", activityID: "quiz", score: 1.2).violations(now: now).map(\.field) == ["score"])
        #expect(ProgressRecord(id: "", activityID: "quiz").violations(now: now).map(\.field) == ["id"])
        #expect(
            ProgressRecord(id: "p", activityID: "video", score: 0.5).violations(for: Self.video).map(\.field) == [
                "score"
            ])
        #expect(
            ProgressRecord(id: "p", activityID: "meeting", completed: true).violations(for: Self.meeting).map(\.field)
                == ["completed"])
    }

    @Test("deterministic ids: SHA-256 matches the standard vector, and the same fact gives the same id")
    func deterministicIDs() {
        let hex = SHA256.digest(Array("abc".utf8)).map { String(format: "%02x", $0) }.joined()
        #expect(hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let long = SHA256.digest(Array(String(repeating: "a", count: 1000).utf8)).map { String(format: "%02x", $0) }
            .joined()
        #expect(long == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
        let once = DeterministicID.courseCompleted(enrolmentID: "e-1", ruleVersion: 1)
        #expect(once == DeterministicID.courseCompleted(enrolmentID: "e-1", ruleVersion: 1))
        #expect(once != DeterministicID.courseCompleted(enrolmentID: "e-1", ruleVersion: 2))
        #expect(once != DeterministicID.activityCompleted(enrolmentID: "e-1", activityID: "video", ruleVersion: 1))
        #expect(UUID(uuidString: once) != nil)
    }
}
