import Contracts
import Foundation

/// What the ``CompletionRules`` decided for one enrolment at one moment.
public struct CompletionAssessment: Sendable, Equatable {
    /// One activity the rules consider done.
    public struct DoneActivity: Sendable, Equatable {
        public var activity: ActivitySnapshot
        public var doneAt: Date
        /// For quizzes, the best score.
        public var score: Double?
    }

    public var ruleVersion: Int
    /// When the course was completed; nil while it is not.
    public var completedAt: Date?
    /// The criteria met, empty while the course is not completed.
    public var criteriaMet: [String]
    /// The criteria to meet: required activities plus each group's minimum.
    public var requiredTotal: Int
    /// How many of them are met.
    public var requiredDone: Int
    /// Every activity done, required or optional, in course order.
    public var done: [DoneActivity]
    /// Minutes credited for activities done at a distance.
    public var distanceMinutes: Int
    /// Minutes credited for activities done in person.
    public var inPersonMinutes: Int

    public var isCompleted: Bool { completedAt != nil }

    /// The share of required activities done, 0 to 100 (100 for a course without required activities
    /// once it is completed).
    public var percentRequiredDone: Int {
        guard requiredTotal > 0 else { return isCompleted ? 100 : 0 }
        return requiredDone * 100 / requiredTotal
    }
}
