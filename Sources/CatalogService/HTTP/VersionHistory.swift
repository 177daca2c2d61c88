import Contracts
import Foundation

/// `GET /courses/{id}/versions`: every published version of a course, oldest first.
struct VersionHistory: Codable, Sendable {
    /// One line of the history; the full snapshot is at `/courses/{id}/versions/{version}`.
    struct Line: Codable, Sendable {
        var version: Int
        var title: String
        var publishedAt: Date
        var durationBucket: DurationBucket
        var activityCount: Int
    }

    var courseID: String
    var versions: [Line]

    init(courseID: String, versions: [CoursePublished]) {
        self.courseID = courseID
        self.versions = versions.map {
            Line(
                version: $0.version, title: $0.title, publishedAt: $0.publishedAt, durationBucket: $0.durationBucket,
                activityCount: $0.activities.count)
        }
    }
}
