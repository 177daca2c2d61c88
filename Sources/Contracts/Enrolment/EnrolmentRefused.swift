import Foundation

/// A manager refused a teacher's application.
public struct EnrolmentRefused: DomainEvent {
    public static let eventType: EventType = "enrolment.enrolment.refused.v1"
    public static let producer: ServiceName = .enrolment

    public let enrolmentID: String
    public let sessionID: String
    /// The teacher's pseudonymous id: never a name or an e-mail address.
    public let participantID: String
    /// The pseudonymous id of the manager who refused.
    public let actorID: String
    /// Why, in the manager's words; shown to the teacher.
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
