import Contracts
import Foundation

/// A session as the API shows it: the session and where its seats stand.
public struct SessionView: Codable, Sendable, Equatable {
    /// Seats of a session right now.
    public struct Seats: Codable, Sendable, Equatable {
        public let capacity: Int
        /// Approved and completed enrolments.
        public let taken: Int
        public let free: Int
        public let waitlisted: Int
    }

    public let id: String
    public let course: CourseVersionRef
    public let academy: String
    public let schoolLevel: SchoolLevel
    public let district: String?
    public let pafModule: String?
    public let title: String
    public let calendar: SessionCalendar
    public let trainerIDs: [String]
    public let tutorIDs: [String]
    public let mode: EnrolmentMode
    public let state: SessionState
    public let seats: Seats

    init(_ session: Session, taken: Int, waitlisted: Int) {
        id = session.id
        course = session.course
        academy = session.academy
        schoolLevel = session.schoolLevel
        district = session.district
        pafModule = session.pafModule
        title = session.title
        calendar = session.calendar
        trainerIDs = session.trainerIDs
        tutorIDs = session.tutorIDs
        mode = session.mode
        state = session.state
        seats = Seats(
            capacity: session.capacity, taken: taken, free: max(0, session.capacity - taken), waitlisted: waitlisted)
    }
}
