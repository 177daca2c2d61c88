import Foundation

/// A teacher was put on the session's waiting list because it is full; first come, first served.
public struct EnrolmentWaitlisted: DomainEvent {
    public static let eventType: EventType = "enrolment.enrolment.waitlisted.v1"
    public static let producer: ServiceName = .enrolment

    public let enrolmentID: String
    public let sessionID: String
    /// The teacher's pseudonymous id: never a name or an e-mail address.
    public let participantID: String
    /// The teacher's place on the waiting list, from 1 (next to be promoted).
    public let position: Int
    /// The pseudonymous id of who caused it: the manager approving, or the teacher enrolling in a full session.
    public let actorID: String
    public let occurredAt: Date

    public var subject: String { enrolmentID }

    public init(
        enrolmentID: String, sessionID: String, participantID: String, position: Int, actorID: String,
        occurredAt: Date
    ) {
        self.enrolmentID = enrolmentID
        self.sessionID = sessionID
        self.participantID = participantID
        self.position = position
        self.actorID = actorID
        self.occurredAt = occurredAt
    }
}
