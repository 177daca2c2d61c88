import Foundation

/// A manager designated a teacher for a session ("désignation", by the IEN in primary schools).
///
/// Without ``acceptanceRequired`` an ``EnrolmentApproved`` follows at once; otherwise it follows the
/// teacher's acceptance.
public struct EnrolmentDesignated: DomainEvent {
    public static let eventType: EventType = "enrolment.enrolment.designated.v1"
    public static let producer: ServiceName = .enrolment

    public let enrolmentID: String
    public let sessionID: String
    /// The teacher's pseudonymous id: never a name or an e-mail address.
    public let participantID: String
    /// The pseudonymous id of the manager who designated the teacher.
    public let actorID: String
    /// Whether the teacher must accept before being enrolled.
    public let acceptanceRequired: Bool
    /// The group of the session the teacher is placed in, from a bulk designation.
    public let group: String?
    public let occurredAt: Date

    public var subject: String { enrolmentID }

    public init(
        enrolmentID: String, sessionID: String, participantID: String, actorID: String,
        acceptanceRequired: Bool, group: String? = nil, occurredAt: Date
    ) {
        self.enrolmentID = enrolmentID
        self.sessionID = sessionID
        self.participantID = participantID
        self.actorID = actorID
        self.acceptanceRequired = acceptanceRequired
        self.group = group
        self.occurredAt = occurredAt
    }
}
