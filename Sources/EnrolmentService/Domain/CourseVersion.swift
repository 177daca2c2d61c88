import Contracts
import Foundation

/// A published course version as this service knows it, from `catalog.course.published.v1`:
/// only what scheduling and the training record need.
public struct CourseVersion: Codable, Sendable, Equatable {
    public let ref: CourseVersionRef
    public let title: String
    public let schoolLevels: [SchoolLevel]
    public let nature: Nature
    public let activities: [ActivitySnapshot]
    public let distanceMinutes: Int
    public let inPersonMinutes: Int
    public let publishedAt: Date
    /// The catalogue's domain (matching a district's needs to sessions); nil in rows stored before it was kept.
    public let domain: String?
    /// When the catalogue archived the course (every version of it), if it did.
    public var archivedAt: Date?

    public init(_ event: CoursePublished, archivedAt: Date? = nil) {
        ref = event.versionRef
        title = event.title
        schoolLevels = event.audience.schoolLevels
        nature = event.nature
        activities = event.activities
        distanceMinutes = event.distanceMinutes
        inPersonMinutes = event.inPersonMinutes
        publishedAt = event.publishedAt
        domain = event.domain
        self.archivedAt = archivedAt
    }
}
