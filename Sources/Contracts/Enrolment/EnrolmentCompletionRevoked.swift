import Foundation

/// An enrolment is no longer completed: tracking revoked the completion it had announced (a trainer's
/// attendance correction, a voided statement, a re-evaluation). The session leaves the teacher's training
/// record; the enrolment is back in progress, and a later `enrolment.enrolment.completed.v1` may follow.
public struct EnrolmentCompletionRevoked: DomainEvent {
    public static let eventType: EventType = "enrolment.enrolment.completion-revoked.v1"
    public static let producer: ServiceName = .enrolment

    public let enrolmentID: String
    public let sessionID: String
    /// The teacher's pseudonymous id: never a name or an e-mail address.
    public let participantID: String
    /// Why tracking revoked it: `attendance-corrected`, `statement-voided` or `reevaluated`.
    public let cause: String
    /// The revision of tracking's completion that the record held and gave back.
    public let revision: Int
    /// Minutes at a distance the teacher's record gave back.
    public let distanceMinutes: Int
    /// Minutes in person the teacher's record gave back.
    public let inPersonMinutes: Int
    public let occurredAt: Date

    public var subject: String { enrolmentID }

    public init(
        enrolmentID: String, sessionID: String, participantID: String, cause: String, revision: Int,
        distanceMinutes: Int, inPersonMinutes: Int, occurredAt: Date
    ) {
        self.enrolmentID = enrolmentID
        self.sessionID = sessionID
        self.participantID = participantID
        self.cause = cause
        self.revision = revision
        self.distanceMinutes = distanceMinutes
        self.inPersonMinutes = inPersonMinutes
        self.occurredAt = occurredAt
    }
}
