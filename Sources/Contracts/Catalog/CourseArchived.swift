import Foundation

/// A course was archived: no new session may run any of its versions; running sessions finish as planned.
public struct CourseArchived: DomainEvent {
    public static let eventType: EventType = "catalog.course.archived.v1"
    public static let producer: ServiceName = .catalog

    public let courseID: String
    public let archivedAt: Date
    /// Why, in the designer's words.
    public let reason: String?

    public var subject: String { courseID }

    public init(courseID: String, archivedAt: Date, reason: String? = nil) {
        self.courseID = courseID
        self.archivedAt = archivedAt
        self.reason = reason
    }
}
