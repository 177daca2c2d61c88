import Foundation

/// A waitlisted teacher got a freed seat: the enrolment is now approved.
///
/// Like ``EnrolmentApproved`` it carries everything tracking needs to start following the teacher.
public struct EnrolmentPromoted: DomainEvent {
    public static let eventType: EventType = "enrolment.enrolment.promoted.v1"
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
    /// The pseudonymous id of the manager who promoted the teacher; absent when the service promoted
    /// the first waitlisted teacher by itself as a seat freed.
    public let actorID: String?
    public let occurredAt: Date

    public var subject: String { enrolmentID }

    public init(
        enrolmentID: String, sessionID: String, participantID: String, academy: String,
        course: CourseVersionRef, schoolLevel: SchoolLevel, actorID: String? = nil, occurredAt: Date
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
