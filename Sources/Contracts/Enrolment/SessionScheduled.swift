import Foundation

/// A session was scheduled: an academy will run a pinned course version on its own calendar.
///
/// The session is in preparation: it takes no enrolment until ``SessionOpened``.
public struct SessionScheduled: DomainEvent {
    public static let eventType: EventType = "enrolment.session.scheduled.v1"
    public static let producer: ServiceName = .enrolment

    public let sessionID: String
    /// The published course version the session runs; it never changes for this session.
    public let course: CourseVersionRef
    /// The academy's code, e.g. `lyon`.
    public let academy: String
    public let schoolLevel: SchoolLevel
    /// The district ("circonscription"), for primary sessions.
    public let district: String?
    /// The module reference in the academy's training plan (PAF), for secondary sessions.
    public let pafModule: String?
    /// The session's title: the course's, or the academy's override.
    public let title: String
    public let calendar: SessionCalendar
    /// The pseudonymous ids of the trainers ("formateurs").
    public let trainerIDs: [String]
    /// The pseudonymous ids of the tutors ("tuteurs").
    public let tutorIDs: [String]
    /// The number of seats; never exceeded.
    public let capacity: Int
    public let mode: EnrolmentMode
    /// The pseudonymous id of the manager who scheduled it.
    public let actorID: String
    public let occurredAt: Date

    public var subject: String { sessionID }

    public init(
        sessionID: String, course: CourseVersionRef, academy: String, schoolLevel: SchoolLevel,
        district: String? = nil, pafModule: String? = nil, title: String, calendar: SessionCalendar,
        trainerIDs: [String], tutorIDs: [String], capacity: Int, mode: EnrolmentMode, actorID: String,
        occurredAt: Date
    ) {
        self.sessionID = sessionID
        self.course = course
        self.academy = academy
        self.schoolLevel = schoolLevel
        self.district = district
        self.pafModule = pafModule
        self.title = title
        self.calendar = calendar
        self.trainerIDs = trainerIDs
        self.tutorIDs = tutorIDs
        self.capacity = capacity
        self.mode = mode
        self.actorID = actorID
        self.occurredAt = occurredAt
    }
}
