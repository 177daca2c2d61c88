import Contracts
import Foundation

/// A training a teacher completed, with the hours tracking credited for it.
public struct CompletedTraining: Codable, Sendable, Equatable {
    public let enrolmentID: String
    public let sessionID: String
    public let course: CourseVersionRef
    /// The session's title when known (the course's otherwise).
    public let title: String
    public let academy: String
    public let schoolLevel: SchoolLevel
    public let completedAt: Date
    public let schoolYear: SchoolYear
    /// Minutes credited for activities done at a distance (digital training).
    public let distanceMinutes: Int
    /// Minutes credited for activities done in person.
    public let inPersonMinutes: Int

    public init(
        enrolmentID: String, sessionID: String, course: CourseVersionRef, title: String, academy: String,
        schoolLevel: SchoolLevel, completedAt: Date, distanceMinutes: Int, inPersonMinutes: Int
    ) {
        self.enrolmentID = enrolmentID
        self.sessionID = sessionID
        self.course = course
        self.title = title
        self.academy = academy
        self.schoolLevel = schoolLevel
        self.completedAt = completedAt
        self.schoolYear = SchoolYear.containing(completedAt)
        self.distanceMinutes = distanceMinutes
        self.inPersonMinutes = inPersonMinutes
    }
}
