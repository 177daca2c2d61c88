import Foundation

/// A session was cancelled before it ended: its enrolments are void and tracking stops.
public struct SessionCancelled: DomainEvent {
    public static let eventType: EventType = "enrolment.session.cancelled.v1"
    public static let producer: ServiceName = .enrolment

    public let sessionID: String
    /// The pseudonymous id of the manager who cancelled it.
    public let actorID: String
    /// Why, in the manager's words; shown to the enrolled teachers.
    public let reason: String
    public let occurredAt: Date

    public var subject: String { sessionID }

    public init(sessionID: String, actorID: String, reason: String, occurredAt: Date) {
        self.sessionID = sessionID
        self.actorID = actorID
        self.reason = reason
        self.occurredAt = occurredAt
    }
}
