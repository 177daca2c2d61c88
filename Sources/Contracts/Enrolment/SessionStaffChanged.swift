import Foundation

/// A session's trainers or tutors changed: the lists are the whole new assignment, replacing the previous one.
public struct SessionStaffChanged: DomainEvent {
    public static let eventType: EventType = "enrolment.session.staff-changed.v1"
    public static let producer: ServiceName = .enrolment

    public let sessionID: String
    public let academy: String
    /// Every trainer now assigned (pseudonymous ids).
    public let trainerIDs: [String]
    /// Every tutor now assigned (pseudonymous ids).
    public let tutorIDs: [String]
    /// The pseudonymous id of the manager who changed it.
    public let actorID: String
    public let occurredAt: Date

    public var subject: String { sessionID }

    public init(
        sessionID: String, academy: String, trainerIDs: [String], tutorIDs: [String], actorID: String,
        occurredAt: Date
    ) {
        self.sessionID = sessionID
        self.academy = academy
        self.trainerIDs = trainerIDs
        self.tutorIDs = tutorIDs
        self.actorID = actorID
        self.occurredAt = occurredAt
    }
}
