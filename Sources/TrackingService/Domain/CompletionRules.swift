import Contracts
import Foundation

/// The rules that decide when an activity and a course are completed, and which hours they credit.
///
/// A plain, versioned value: the version is written into every completion and every completion event,
/// so that a later change of the rules is a new version, never a silent reinterpretation.
///
/// Version 1:
/// - an activity is done when: a self-assessment quiz is passed (its BEST score is at or above the
///   activity's `passThreshold`; a quiz without a threshold passes with any score); an in-person meeting
///   or a virtual class is attended (the trainers recorded `present`; `excused` and `absent` are not
///   attended); any other activity is declared completed by the participant;
/// - a course is completed when every REQUIRED activity is done (a course without required activities
///   when at least one activity is done); a withdrawn enrolment never completes;
/// - hours are credited per modality from the estimated minutes of the activities actually done,
///   optional ones included;
/// - the completion time is the time the last required activity was done, so that recomputing gives the
///   same answer.
public struct CompletionRules: Sendable, Equatable {
    /// The version written into completions and events.
    public let version: Int

    /// Criteria names, as listed in `criteriaMet`.
    public enum Criterion {
        public static let requiredActivitiesCompleted = "required-activities-completed"
        public static let requiredQuizzesPassed = "required-quizzes-passed"
        public static let requiredMeetingsAttended = "required-meetings-attended"
        public static let anyActivityCompleted = "any-activity-completed"
    }

    /// Version 1, described above.
    public static let version1 = CompletionRules(version: 1)
    /// The rules in force.
    public static let current = version1

    private init(version: Int) { self.version = version }

    /// Whether the activity kind is done by attending (trainers record attendance) rather than by the participant.
    public static func isAttendanceBased(_ kind: ActivityKind) -> Bool {
        kind == .inPersonMeeting || kind == .virtualClass
    }

    /// When the activity was done, or nil when it is not (yet).
    public func doneAt(_ activity: ActivitySnapshot, progress: ActivityProgress?) -> Date? {
        guard let progress else { return nil }
        if Self.isAttendanceBased(activity.kind) {
            return progress.attendance == .present ? progress.attendanceRecordedAt : nil
        }
        if activity.kind == .selfAssessmentQuiz {
            guard let best = progress.bestScore, best >= (activity.passThreshold ?? 0) else { return nil }
            return progress.passedAt
        }
        return progress.completedAt
    }

    /// Assesses one enrolment: which activities are done, whether the course is completed, the hours.
    public func assess(
        activities: [ActivitySnapshot], progress: [String: ActivityProgress], withdrawn: Bool
    ) -> CompletionAssessment {
        var done: [CompletionAssessment.DoneActivity] = []
        var distance = 0
        var inPerson = 0
        for activity in activities {
            guard let at = doneAt(activity, progress: progress[activity.id]) else { continue }
            let score = activity.kind == .selfAssessmentQuiz ? progress[activity.id]?.bestScore : nil
            done.append(.init(activity: activity, doneAt: at, score: score))
            switch activity.modality {
            case .distance: distance += activity.estimatedMinutes
            case .inPerson: inPerson += activity.estimatedMinutes
            }
        }
        let required = activities.filter(\.required)
        let doneIDs = Set(done.map(\.activity.id))
        let requiredDone = required.filter { doneIDs.contains($0.id) }
        var completedAt: Date?
        var criteria: [String] = []
        if !withdrawn {
            if required.isEmpty {
                if let last = done.map(\.doneAt).max() {
                    completedAt = last
                    criteria = [Criterion.anyActivityCompleted]
                }
            } else if requiredDone.count == required.count {
                completedAt = done.filter { $0.activity.required }.map(\.doneAt).max()
                criteria = [Criterion.requiredActivitiesCompleted]
                if required.contains(where: { $0.kind == .selfAssessmentQuiz }) {
                    criteria.append(Criterion.requiredQuizzesPassed)
                }
                if required.contains(where: { Self.isAttendanceBased($0.kind) }) {
                    criteria.append(Criterion.requiredMeetingsAttended)
                }
            }
        }
        return CompletionAssessment(
            ruleVersion: version, completedAt: completedAt, criteriaMet: criteria, requiredTotal: required.count,
            requiredDone: requiredDone.count, done: done, distanceMinutes: distance, inPersonMinutes: inPerson)
    }
}
