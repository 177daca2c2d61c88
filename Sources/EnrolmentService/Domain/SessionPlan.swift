import Contracts
import Foundation

/// What a manager asks for when scheduling a session, before any rule is checked.
public struct SessionPlan: Codable, Sendable, Equatable {
    public var course: CourseVersionRef
    public var academy: String
    public var schoolLevel: SchoolLevel
    /// The district ("circonscription"): required for primary sessions.
    public var district: String?
    /// The PAF module reference: required for secondary sessions.
    public var pafModule: String?
    /// Overrides the course's title when present.
    public var title: String?
    public var calendar: SessionCalendar
    public var trainerIDs: [String]?
    public var tutorIDs: [String]?
    public var capacity: Int
    public var mode: EnrolmentMode

    public init(
        course: CourseVersionRef, academy: String, schoolLevel: SchoolLevel, district: String? = nil,
        pafModule: String? = nil, title: String? = nil, calendar: SessionCalendar, trainerIDs: [String]? = nil,
        tutorIDs: [String]? = nil, capacity: Int, mode: EnrolmentMode
    ) {
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
    }
}
