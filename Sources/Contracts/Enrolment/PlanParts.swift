import Foundation

/// A session of a published training plan (a district's or the academy's), with the course version it runs.
public struct PlannedSession: Codable, Sendable, Equatable {
    public let sessionID: String
    public let course: CourseVersionRef
    public let startsAt: Date
    /// Minutes at a distance and in person that completing the session brings.
    public let distanceMinutes: Int
    public let inPersonMinutes: Int

    public init(
        sessionID: String, course: CourseVersionRef, startsAt: Date, distanceMinutes: Int, inPersonMinutes: Int
    ) {
        self.sessionID = sessionID
        self.course = course
        self.startsAt = startsAt
        self.distanceMinutes = distanceMinutes
        self.inPersonMinutes = inPersonMinutes
    }
}

/// A teacher a published training plan plans into a session (pseudonymous id).
public struct PlanAssignment: Codable, Sendable, Equatable {
    public let teacherID: String
    public let sessionID: String

    public init(teacherID: String, sessionID: String) {
        self.teacherID = teacherID
        self.sessionID = sessionID
    }
}
