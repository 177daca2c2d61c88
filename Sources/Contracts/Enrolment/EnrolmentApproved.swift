import Foundation

/// A teacher holds a seat in a session: tracking starts following their progress from this event.
///
/// It carries everything tracking needs (session, academy, pinned course version, school level), so
/// tracking never asks the enrolment service.
public struct EnrolmentApproved: DomainEvent {
    public static let eventType: EventType = "enrolment.enrolment.approved.v1"
    public static let producer: ServiceName = .enrolment

    public let enrolmentID: String
    public let sessionID: String
    /// The teacher's pseudonymous id: never a name or an e-mail address.
    public let participantID: String
    /// The academy running the session, e.g. `lyon`.
    public let academy: String
    /// The course version the session pins.
    public let course: CourseVersionRef
    public let schoolLevel: SchoolLevel
    /// The pseudonymous id of who approved: a manager, or the teacher accepting a designation or
    /// enrolling in an open session.
    public let actorID: String
    public let occurredAt: Date

    public var subject: String { enrolmentID }

    public init(
        enrolmentID: String, sessionID: String, participantID: String, academy: String,
        course: CourseVersionRef, schoolLevel: SchoolLevel, actorID: String, occurredAt: Date
    ) {
        self.enrolmentID = enrolmentID
        self.sessionID = sessionID
        self.participantID = participantID
        self.academy = academy
        self.course = course
        self.schoolLevel = schoolLevel
        self.actorID = actorID
        self.occurredAt = occurredAt
    }
}
