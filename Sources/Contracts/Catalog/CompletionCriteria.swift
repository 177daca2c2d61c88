/// What makes one activity count towards its course's completion, the cmi5 way ("moveOn").
///
/// - `Completed`: the participant declared it done; for an in-person meeting or a virtual class, the trainers
///   recorded the participant present.
/// - `Passed`: a score at or above the activity's `passThreshold` was recorded.
/// - `CompletedAndPassed`, `CompletedOrPassed`: both, or either.
/// - `NotApplicable`: the activity is not a criterion of completion (its hours still count when it is done).
public enum MoveOn: String, Codable, Sendable, CaseIterable {
    case completed = "Completed"
    case passed = "Passed"
    case completedAndPassed = "CompletedAndPassed"
    case completedOrPassed = "CompletedOrPassed"
    case notApplicable = "NotApplicable"

    /// Whether meeting the criterion needs a score (so the activity needs a pass threshold).
    public var involvesPassing: Bool { self != .completed && self != .notApplicable }

    /// The criterion of an activity whose designer set none: passing for a quiz, completion otherwise.
    public static func `default`(for kind: ActivityKind) -> MoveOn {
        kind == .selfAssessmentQuiz ? .passed : .completed
    }
}

/// "N of these activities": a course's requirement that at least ``minimum`` of a group of (optional)
/// activities meet their criterion, e.g. "two of the three classroom analyses".
public struct CompletionGroup: Codable, Sendable, Equatable {
    /// Unique within the course version, named in `criteriaMet` (`group:<id>`).
    public let id: String
    /// How participants and trainers see the group, e.g. `Deux analyses de séance au choix`.
    public let title: String
    /// The activities of the group, by id; each belongs to one group at most and is not itself required.
    public let activityIDs: [String]
    /// How many of them must meet their criterion, from 1 to the group's size.
    public let minimum: Int

    public init(id: String, title: String, activityIDs: [String], minimum: Int) {
        self.id = id
        self.title = title
        self.activityIDs = activityIDs
        self.minimum = minimum
    }
}
