import Foundation

/// A teacher applied to a session ("candidature"); a manager will approve, refuse or waitlist the application.
public struct EnrolmentApplied: DomainEvent {
    public static let eventType: EventType = "enrolment.enrolment.applied.v1"
    public static let producer: ServiceName = .enrolment

    public let enrolmentID: String
    public let sessionID: String
    /// The teacher's pseudonymous id: never a name or an e-mail address.
    public let participantID: String
    /// The pseudonymous id of who applied: the teacher, or a manager on their behalf.
    public let actorID: String
    public let occurredAt: Date

    public var subject: String { enrolmentID }

    public init(enrolmentID: String, sessionID: String, participantID: String, actorID: String, occurredAt: Date) {
        self.enrolmentID = enrolmentID
        self.sessionID = sessionID
        self.participantID = participantID
        self.actorID = actorID
        self.occurredAt = occurredAt
    }
}
