import Contracts
import Foundation

/// One progress report of a participant on one activity, as a client sends it.
///
/// `id` is chosen by the client and makes the report idempotent: sending it again changes nothing,
/// and sending another report under the same id is a conflict. `timeSpentSeconds` is the time spent
/// since the previous report (it is added, never replaced).
public struct ProgressRecord: Codable, Sendable, Equatable {
    /// The client's id for this report (idempotency key), 1 to 128 characters.
    public var id: String
    public var activityID: String
    /// Seconds spent on the activity since the last report; 0 to ``ProgressRecord/maximumSeconds``.
    public var timeSpentSeconds: Int?
    /// The participant declares the activity done (videos, analyses, forums, resources…).
    public var completed: Bool?
    /// A quiz attempt's score, a fraction between 0 and 1.
    public var score: Double?
    /// When it happened, by the client's clock; the server's reception time when absent.
    public var occurredAt: Date?

    /// The most time one report may credit: 8 hours. More is a client error, not a long day.
    public static let maximumSeconds = 8 * 3600

    public init(
        id: String, activityID: String, timeSpentSeconds: Int? = nil, completed: Bool? = nil, score: Double? = nil,
        occurredAt: Date? = nil
    ) {
        self.id = id
        self.activityID = activityID
        self.timeSpentSeconds = timeSpentSeconds
        self.completed = completed
        self.score = score
        self.occurredAt = occurredAt
    }

    /// What is wrong with this record on its own, field by field (empty when it is valid).
    public func violations(now: Date) -> [(field: String, problem: String)] {
        var found: [(String, String)] = []
        if id.isEmpty || id.count > 128 { found.append(("id", "must be 1 to 128 characters")) }
        if activityID.isEmpty || activityID.count > 128 { found.append(("activityID", "must be 1 to 128 characters")) }
        if let seconds = timeSpentSeconds {
            if seconds < 0 { found.append(("timeSpentSeconds", "must not be negative")) }
            if seconds > Self.maximumSeconds {
                found.append(("timeSpentSeconds", "must be at most \(Self.maximumSeconds) (8 hours) per record"))
            }
        }
        if let score, !(0...1).contains(score) || score.isNaN {
            found.append(("score", "must be a fraction between 0 and 1"))
        }
        if let occurredAt, occurredAt > now.addingTimeInterval(300) {
            found.append(("occurredAt", "must not be in the future"))
        }
        return found
    }

    /// What is wrong with this record for this activity (empty when it fits).
    public func violations(for activity: ActivitySnapshot) -> [(field: String, problem: String)] {
        var found: [(String, String)] = []
        if score != nil, activity.kind != .selfAssessmentQuiz, activity.passThreshold == nil {
            found.append(("score", "only quizzes and activities with a pass threshold have a score"))
        }
        if completed == true, CompletionRules.isAttendanceBased(activity.kind) {
            found.append(("completed", "attendance of a meeting or virtual class is recorded by its trainers"))
        }
        return found
    }
}
