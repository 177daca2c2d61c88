import Foundation

/// A teacher's enrolment in a session ("inscription"), moved only by ``EnrolmentStateMachine``.
public struct Enrolment: Codable, Sendable, Equatable {
    public let id: String
    public let sessionID: String
    /// The teacher's pseudonymous id.
    public let participantID: String
    public internal(set) var state: EnrolmentState
    /// The group of the session the teacher is placed in (bulk designation).
    public let group: String?
    /// For a designation: whether the teacher must accept before taking a seat.
    public let acceptanceRequired: Bool
    /// Order of arrival on the waiting list (first come, first served); nil unless waitlisted.
    public internal(set) var waitlistRank: Int?
    public let createdAt: Date
    public internal(set) var updatedAt: Date

    public init(
        id: String, sessionID: String, participantID: String, state: EnrolmentState, group: String? = nil,
        acceptanceRequired: Bool = false, waitlistRank: Int? = nil, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.sessionID = sessionID
        self.participantID = participantID
        self.state = state
        self.group = group
        self.acceptanceRequired = acceptanceRequired
        self.waitlistRank = waitlistRank
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
