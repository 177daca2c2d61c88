import Contracts
import Foundation
import Testing

@testable import TrackingService

/// Rules as course content: each activity's cmi5 `moveOn`, a minimum time, "N of a group" — decided by the
/// rules of version 2 from the course version a session pins. No HTTP, no broker, no disk.
@Suite("Completion rules set by the designer")
struct CourseRulesTests {
    static let t0 = Date(timeIntervalSince1970: 1_760_000_000)
    static func at(_ minutes: Int) -> Date { t0.addingTimeInterval(Double(minutes) * 60) }
    static let rules = CompletionRules.current

    /// One required analysis with a pass threshold (graded by its trainer's score), and its progress.
    static func analysis(_ moveOn: MoveOn, minimumMinutes: Int? = nil) -> ActivitySnapshot {
        .sample(
            "analysis", "Analyse", .sequenceAnalysis, minutes: 45,
            passThreshold: moveOn.involvesPassing ? 0.5 : nil, moveOn: moveOn, minimumMinutes: minimumMinutes)
    }

    static let declared = ActivityProgress(activityID: "analysis", completedAt: at(10))
    static let scoredHigh = ActivityProgress(activityID: "analysis", bestScore: 0.8, passedAt: at(20))
    static let scoredLow = ActivityProgress(activityID: "analysis", bestScore: 0.3)
    static let both = ActivityProgress(activityID: "analysis", completedAt: at(10), bestScore: 0.8, passedAt: at(20))

    struct MoveOnCase: CustomTestStringConvertible, Sendable {
        var moveOn: MoveOn
        var progress: ActivityProgress?
        /// When the course completes (the activity is its only criterion), nil when it does not.
        var completedAt: Date?
        var criteria: [String]
        var testDescription: String {
            "\(moveOn.rawValue), \(progress.map { "completed \($0.completedAt != nil), best \($0.bestScore ?? -1)" } ?? "nothing") → \(completedAt.map { "\($0)" } ?? "not completed")"
        }
    }

    static let moveOnCases: [MoveOnCase] = [
        .init(moveOn: .completed, progress: declared, completedAt: at(10), criteria: ["completed:analysis"]),
        .init(moveOn: .completed, progress: scoredHigh, completedAt: nil, criteria: []),
        .init(moveOn: .passed, progress: scoredHigh, completedAt: at(20), criteria: ["passed:analysis"]),
        .init(moveOn: .passed, progress: declared, completedAt: nil, criteria: []),
        .init(moveOn: .passed, progress: scoredLow, completedAt: nil, criteria: []),
        .init(moveOn: .completedAndPassed, progress: declared, completedAt: nil, criteria: []),
        .init(moveOn: .completedAndPassed, progress: scoredHigh, completedAt: nil, criteria: []),
        .init(
            moveOn: .completedAndPassed, progress: both, completedAt: at(20),
            criteria: ["completed:analysis", "passed:analysis"]),
        .init(moveOn: .completedOrPassed, progress: declared, completedAt: at(10), criteria: ["completed:analysis"]),
        .init(moveOn: .completedOrPassed, progress: scoredHigh, completedAt: at(20), criteria: ["passed:analysis"]),
        .init(
            moveOn: .completedOrPassed, progress: both, completedAt: at(10),
            criteria: ["completed:analysis", "passed:analysis"]),
        .init(moveOn: .completedOrPassed, progress: scoredLow, completedAt: nil, criteria: []),
        .init(moveOn: .completedOrPassed, progress: nil, completedAt: nil, criteria: []),
    ]

    @Test("each moveOn value decides when a required activity counts", arguments: moveOnCases)
    func moveOnValues(_ c: MoveOnCase) {
        let activity = Self.analysis(c.moveOn)
        let progress = c.progress.map { ["analysis": $0] } ?? [:]
        let assessment = Self.rules.assess(activities: [activity], progress: progress, withdrawn: false)
        #expect(assessment.completedAt == c.completedAt)
        #expect(
            assessment.criteriaMet
                == (c.completedAt == nil ? [] : [CompletionRules.Criterion.requiredActivitiesCompleted] + c.criteria))
    }

    @Test("NotApplicable is no criterion, yet its hours count when it is done; a quiz's default is Passed")
    func notApplicableAndDefaults() {
        let video = ActivitySnapshot.sample("video", "Video", .video, minutes: 30)
        let extra = ActivitySnapshot.sample(
            "extra", "Bonus", .resource, minutes: 15, required: false, moveOn: .notApplicable)
        let progress: [String: ActivityProgress] = [
            "video": .init(activityID: "video", completedAt: Self.at(5)),
            "extra": .init(activityID: "extra", completedAt: Self.at(9)),
        ]
        let assessment = Self.rules.assess(activities: [video, extra], progress: progress, withdrawn: false)
        #expect(assessment.completedAt == Self.at(5), "the bonus is not what completes the course")
        #expect(assessment.distanceMinutes == 45)
        #expect(assessment.criteriaMet == ["required-activities-completed", "completed:video"])
        #expect(MoveOn.default(for: .selfAssessmentQuiz) == .passed)
        #expect(MoveOn.default(for: .inPersonMeeting) == .completed)
    }

    @Test("a minimum time holds an activity back until the time spent reaches it, at the report that reaches it")
    func minimumTime() {
        let activity = Self.analysis(.completed, minimumMinutes: 30)
        var progress = ActivityProgress(activityID: "analysis")
            .applying(
                .init(id: "1", activityID: "analysis", timeSpentSeconds: 600, completed: true), of: activity,
                at: Self.at(1))
        var assessment = Self.rules.assess(activities: [activity], progress: ["analysis": progress], withdrawn: false)
        #expect(assessment.completedAt == nil, "declared done after 10 minutes of 30")
        #expect(assessment.done.isEmpty, "and no hours credited yet")
        progress = progress.applying(
            .init(id: "2", activityID: "analysis", timeSpentSeconds: 1200), of: activity, at: Self.at(25))
        assessment = Self.rules.assess(activities: [activity], progress: ["analysis": progress], withdrawn: false)
        #expect(progress.minimumTimeMetAt == Self.at(25))
        #expect(assessment.completedAt == Self.at(25))
        #expect(
            assessment.criteriaMet == ["required-activities-completed", "completed:analysis", "minimum-time:analysis"])
        progress = progress.applying(
            .init(id: "3", activityID: "analysis", timeSpentSeconds: 600), of: activity, at: Self.at(40))
        #expect(progress.minimumTimeMetAt == Self.at(25), "the time it was reached does not move")
    }

    static let choices = ["a", "b", "c"].map {
        ActivitySnapshot.sample($0, "Analyse \($0)", .sequenceAnalysis, minutes: 40, required: false)
    }
    static let video = ActivitySnapshot.sample("video", "Video", .video, minutes: 30)
    static let twoOfThree = CompletionGroup(
        id: "analyses", title: "Deux analyses", activityIDs: ["a", "b", "c"], minimum: 2)

    @Test("N of a group: completed when the N-th activity of the group is done, beside the required ones")
    func nOfGroup() {
        let activities = [Self.video] + Self.choices
        func assess(_ done: [String: Int]) -> CompletionAssessment {
            let progress = Dictionary(
                uniqueKeysWithValues: done.map {
                    ($0.key, ActivityProgress(activityID: $0.key, completedAt: Self.at($0.value)))
                })
            return Self.rules.assess(
                activities: activities, groups: [Self.twoOfThree], progress: progress, withdrawn: false)
        }
        let one = assess(["video": 1, "b": 5])
        #expect(one.completedAt == nil)
        #expect(one.requiredTotal == 3 && one.requiredDone == 2, "the video, and one of the two analyses")
        let two = assess(["video": 1, "c": 5, "a": 8])
        #expect(two.completedAt == Self.at(8))
        #expect(
            two.criteriaMet == [
                "required-activities-completed", "group:analyses", "completed:video", "completed:a", "completed:c",
            ])
        let three = assess(["video": 30, "a": 2, "b": 3, "c": 4])
        #expect(three.completedAt == Self.at(30), "the required video came last")
        #expect(three.distanceMinutes == 30 + 3 * 40, "every analysis done credits its hours")
        #expect(three.percentRequiredDone == 100)
        let groupOnly = Self.rules.assess(
            activities: Self.choices, groups: [Self.twoOfThree],
            progress: ["a": .init(activityID: "a", completedAt: Self.at(1))], withdrawn: false)
        #expect(groupOnly.completedAt == nil, "a course of groups only is not completed by any one activity")
    }

    @Test("two versions of a course with different rules decide differently on the same progress")
    func twoVersions() {
        let progress: [String: ActivityProgress] = [
            "video": .init(activityID: "video", completedAt: Self.at(1)),
            "a": .init(activityID: "a", completedAt: Self.at(2)),
        ]
        let version1 = [Self.video] + Self.choices
        let version2 = [Self.video] + Self.choices
        let first = Self.rules.assess(activities: version1, progress: progress, withdrawn: false)
        let second = Self.rules.assess(
            activities: version2, groups: [Self.twoOfThree], progress: progress, withdrawn: false)
        #expect(first.isCompleted && !second.isCompleted)
    }
}
