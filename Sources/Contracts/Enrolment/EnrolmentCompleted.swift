import Foundation

/// An enrolment is completed: the teacher's training record counts the session.
///
/// Usually follows `tracking.course.completed.v1`; a manager may also complete an enrolment by hand.
public struct EnrolmentCompleted: DomainEvent {
    public static let eventType: EventType = "enrolment.enrolment.completed.v1"
    public static let producer: ServiceName = .enrolment

    public let enrolmentID: String
    public let sessionID: String
    /// The teacher's pseudonymous id: never a name or an e-mail address.
    public let participantID: String
    /// The pseudonymous id of the manager who completed it by hand; absent when tracking's completion did.
    public let actorID: String?
    /// Why a manager completed it by hand.
    public let reason: String?
    public let occurredAt: Date

    public var subject: String { enrolmentID }

    public init(
        enrolmentID: String, sessionID: String, participantID: String, actorID: String? = nil,
        reason: String? = nil, occurredAt: Date
    ) {
        self.enrolmentID = enrolmentID
        self.sessionID = sessionID
        self.participantID = participantID
        self.actorID = actorID
        self.reason = reason
        self.occurredAt = occurredAt
    }
}
