import Foundation

/// A teacher left a session, or was withdrawn from it: the seat frees and tracking stops for the enrolment.
public struct EnrolmentWithdrawn: DomainEvent {
    public static let eventType: EventType = "enrolment.enrolment.withdrawn.v1"
    public static let producer: ServiceName = .enrolment

    public let enrolmentID: String
    public let sessionID: String
    /// The teacher's pseudonymous id: never a name or an e-mail address.
    public let participantID: String
    /// The pseudonymous id of who withdrew the enrolment: the teacher or a manager.
    public let actorID: String
    /// Why, in the actor's words.
    public let reason: String?
    public let occurredAt: Date

    public var subject: String { enrolmentID }

    public init(
        enrolmentID: String, sessionID: String, participantID: String, actorID: String, reason: String? = nil,
        occurredAt: Date
    ) {
        self.enrolmentID = enrolmentID
        self.sessionID = sessionID
        self.participantID = participantID
        self.actorID = actorID
        self.reason = reason
        self.occurredAt = occurredAt
    }
}
