import Foundation

/// A participant completed one activity of their session's course version: done, quiz passed, or meeting
/// attended, as the completion rules define it.
///
/// Announced once per enrolment, activity and rule version: its event id is derived from them.
public struct ActivityCompleted: DomainEvent {
    public static let eventType: EventType = "tracking.activity.completed.v1"
    public static let producer: ServiceName = .tracking

    public let enrolmentID: String
    /// The teacher's pseudonymous id: never a name or an e-mail address.
    public let participantID: String
    public let sessionID: String
    /// The course version the session pins.
    public let course: CourseVersionRef
    /// The academy running the session, e.g. `lyon`.
    public let academy: String
    /// The activity's id within the course version.
    public let activityID: String
    public let activityKind: ActivityKind
    public let modality: Modality
    /// The whole minutes credited for the activity: its estimated minutes in the course version.
    public let minutesCredited: Int
    /// For quizzes, the score retained, as a fraction between 0 and 1.
    public let score: Double?
    public let completedAt: Date
    /// The version of the completion rules that decided.
    public let ruleVersion: Int

    public var subject: String { enrolmentID }

    public init(
        enrolmentID: String, participantID: String, sessionID: String, course: CourseVersionRef, academy: String,
        activityID: String, activityKind: ActivityKind, modality: Modality, minutesCredited: Int,
        score: Double? = nil, completedAt: Date, ruleVersion: Int
    ) {
        self.enrolmentID = enrolmentID
        self.participantID = participantID
        self.sessionID = sessionID
        self.course = course
        self.academy = academy
        self.activityID = activityID
        self.activityKind = activityKind
        self.modality = modality
        self.minutesCredited = minutesCredited
        self.score = score
        self.completedAt = completedAt
        self.ruleVersion = ruleVersion
    }
}
