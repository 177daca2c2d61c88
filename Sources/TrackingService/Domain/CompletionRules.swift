import Contracts
import Foundation

/// The rules that decide when an activity and a course are completed, and which hours they credit.
///
/// A plain, versioned value: the version is written into every completion and every completion event,
/// so that a later change of the rules is a new version, never a silent reinterpretation.
///
/// Version 2 applies what the designer set in the course version the session pins (issue 18):
/// - an activity meets its criterion (``ActivitySnapshot/criterion``, the cmi5 `moveOn`) when:
///   `Completed`: the participant declared it done, or for a meeting or virtual class the trainers recorded the
///   participant `present` (`excused` and `absent` are not attended); `Passed`: a score at or above its
///   `passThreshold` was recorded (the BEST score counts); `CompletedAndPassed`, `CompletedOrPassed`: both,
///   either; `NotApplicable`: never a criterion. With a `minimumMinutes`, it also needs that much time spent;
/// - a course is completed when every REQUIRED activity meets its criterion and every completion group has at
///   least its `minimum` activities that do (a course without required activities nor groups: when at least one
///   activity is done); a withdrawn enrolment never completes;
/// - hours are credited per modality from the estimated minutes of the activities actually done, optional
///   ones included (a `NotApplicable` activity is done when completed, passed or attended);
/// - the completion time is when the last criterion was met, so that recomputing gives the same answer.
///
/// Version 1 was the same for courses without `moveOn`, `minimumMinutes` or groups, with coarser `criteriaMet`
/// labels; its completions keep their version.
public struct CompletionRules: Sendable, Equatable {
    /// The version written into completions and events.
    public let version: Int

    /// Criteria names, as listed in `criteriaMet`: course-wide ones, then one per activity that counted
    /// (`completed:<id>`, `passed:<id>`, `attended:<id>`, `minimum-time:<id>`), and `group:<id>` per group met.
    public enum Criterion {
        public static let requiredActivitiesCompleted = "required-activities-completed"
        public static let anyActivityCompleted = "any-activity-completed"
        static func completed(_ id: String) -> String { "completed:\(id)" }
        static func passed(_ id: String) -> String { "passed:\(id)" }
        static func attended(_ id: String) -> String { "attended:\(id)" }
        static func minimumTime(_ id: String) -> String { "minimum-time:\(id)" }
        static func group(_ id: String) -> String { "group:\(id)" }
    }

    /// Version 2, described above.
    public static let version2 = CompletionRules(version: 2)
    /// The rules in force.
    public static let current = version2

    private init(version: Int) { self.version = version }

    /// Whether the activity kind is done by attending (trainers record attendance) rather than by the participant.
    public static func isAttendanceBased(_ kind: ActivityKind) -> Bool {
        kind == .inPersonMeeting || kind == .virtualClass
    }

    /// What one activity's progress amounts to.
    struct Facts {
        /// When the participant declared it done, or (meetings) was recorded present.
        var completedAt: Date?
        /// When a passing score was first recorded.
        var passedAt: Date?
        /// When the minimum time was reached (the activity's start when it has no minimum).
        var minimumTimeAt: Date?

        init(_ activity: ActivitySnapshot, _ progress: ActivityProgress) {
            if CompletionRules.isAttendanceBased(activity.kind) {
                completedAt = progress.attendance == .present ? progress.attendanceRecordedAt : nil
            } else {
                completedAt = progress.completedAt
            }
            if let best = progress.bestScore, best >= (activity.passThreshold ?? 0) { passedAt = progress.passedAt }
            minimumTimeAt = activity.minimumMinutes == nil ? .distantPast : progress.minimumTimeMetAt
        }
    }

    /// When the activity met its criterion, or nil when it has not (yet); nil for a `NotApplicable` activity.
    public func criterionMetAt(_ activity: ActivitySnapshot, progress: ActivityProgress?) -> Date? {
        guard let progress else { return nil }
        let facts = Facts(activity, progress)
        let met: Date?
        switch activity.criterion {
        case .completed: met = facts.completedAt
        case .passed: met = facts.passedAt
        case .completedAndPassed:
            met = facts.completedAt.flatMap { completed in facts.passedAt.map { max(completed, $0) } }
        case .completedOrPassed: met = [facts.completedAt, facts.passedAt].compactMap { $0 }.min()
        case .notApplicable: return nil
        }
        guard let met, let minimumTime = facts.minimumTimeAt else { return nil }
        return max(met, minimumTime)
    }

    /// When the activity was done (for its hours), or nil when it is not (yet): its criterion met, or for a
    /// `NotApplicable` activity, completed, passed or attended.
    public func doneAt(_ activity: ActivitySnapshot, progress: ActivityProgress?) -> Date? {
        guard activity.criterion == .notApplicable else { return criterionMetAt(activity, progress: progress) }
        guard let progress else { return nil }
        let facts = Facts(activity, progress)
        return [facts.completedAt, facts.passedAt].compactMap { $0 }.min()
    }

    /// The labels of the criteria one activity met.
    private func labels(_ activity: ActivitySnapshot, _ progress: ActivityProgress) -> [String] {
        let facts = Facts(activity, progress)
        var labels: [String] = []
        if Self.isAttendanceBased(activity.kind) {
            labels.append(Criterion.attended(activity.id))
        } else {
            if activity.criterion != .passed, facts.completedAt != nil {
                labels.append(Criterion.completed(activity.id))
            }
            if activity.criterion != .completed, facts.passedAt != nil { labels.append(Criterion.passed(activity.id)) }
        }
        if activity.minimumMinutes != nil { labels.append(Criterion.minimumTime(activity.id)) }
        return labels
    }

    /// Assesses one enrolment: which activities are done, whether the course is completed, the hours.
    public func assess(
        activities: [ActivitySnapshot], groups: [CompletionGroup] = [], progress: [String: ActivityProgress],
        withdrawn: Bool
    ) -> CompletionAssessment {
        var done: [CompletionAssessment.DoneActivity] = []
        var metAt: [String: Date] = [:]
        var distance = 0
        var inPerson = 0
        for activity in activities {
            let met = criterionMetAt(activity, progress: progress[activity.id])
            if let met { metAt[activity.id] = met }
            // Done (for its hours) is its criterion met, but for a NotApplicable activity (no criterion).
            let doneTime =
                activity.criterion == .notApplicable ? doneAt(activity, progress: progress[activity.id]) : met
            guard let at = doneTime else { continue }
            let score = activity.passThreshold != nil ? progress[activity.id]?.bestScore : nil
            done.append(.init(activity: activity, doneAt: at, score: score))
            switch activity.modality {
            case .distance: distance += activity.estimatedMinutes
            case .inPerson: inPerson += activity.estimatedMinutes
            }
        }
        let required = activities.filter(\.required)
        let requiredDone = required.filter { metAt[$0.id] != nil }
        // Each group is met when its `minimum`-th activity met its criterion.
        var counting: Set<String> = Set(required.map(\.id))
        var groupsMet: [(id: String, at: Date)] = []
        var groupCredit = 0
        var groupTotal = 0
        for group in groups {
            let times = group.activityIDs.compactMap { metAt[$0] }.sorted()
            groupTotal += group.minimum
            groupCredit += min(times.count, group.minimum)
            if times.count >= group.minimum {
                groupsMet.append((group.id, times[group.minimum - 1]))
                counting.formUnion(group.activityIDs.filter { metAt[$0] != nil })
            }
        }
        var completedAt: Date?
        var criteria: [String] = []
        if !withdrawn {
            if required.isEmpty && groups.isEmpty {
                if let first = done.map(\.doneAt).min() {
                    completedAt = first
                    criteria = [Criterion.anyActivityCompleted]
                }
            } else if requiredDone.count == required.count, groupsMet.count == groups.count {
                completedAt = (requiredDone.compactMap { metAt[$0.id] } + groupsMet.map(\.at)).max()
                if !required.isEmpty { criteria.append(Criterion.requiredActivitiesCompleted) }
                criteria += groupsMet.map { Criterion.group($0.id) }
                for activity in activities where counting.contains(activity.id) {
                    if let progress = progress[activity.id] { criteria += labels(activity, progress) }
                }
            }
        }
        return CompletionAssessment(
            ruleVersion: version, completedAt: completedAt, criteriaMet: criteria,
            requiredTotal: required.count + groupTotal, requiredDone: requiredDone.count + groupCredit, done: done,
            distanceMinutes: distance, inPersonMinutes: inPerson)
    }
}
