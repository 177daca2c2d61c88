import Contracts
import Foundation

/// A course as `GET /courses/{id}` shows it: its state and latest published version, and for a
/// derived course whether its source has published a newer version since ("behind").
struct CourseView: Codable, Sendable {
    /// Where a derived course stands against its source.
    struct SourceStatus: Codable, Sendable {
        var courseID: String
        var derivedFromVersion: Int
        var latestVersion: Int
        var behind: Bool
    }

    var courseID: String
    var status: Course.Status
    /// 0 until the first publication.
    var latestVersion: Int
    var current: CoursePublished?
    var derivedFrom: CourseVersionRef?
    var source: SourceStatus?
    var archivedAt: Date?

    init(entry: CatalogueEntry, snapshot: CatalogueSnapshot) {
        courseID = entry.courseID
        status = entry.status
        latestVersion = entry.latest.version
        current = entry.latest
        derivedFrom = entry.derivedFrom
        archivedAt = entry.archivedAt
        source = Self.source(of: entry.derivedFrom, in: snapshot)
    }

    /// A course that has no published version yet (read from the store).
    init(unpublished course: Course, snapshot: CatalogueSnapshot) {
        courseID = course.id
        status = course.status
        latestVersion = 0
        derivedFrom = course.derivedFrom
        archivedAt = course.archivedAt
        source = Self.source(of: course.derivedFrom, in: snapshot)
    }

    static func source(of ref: CourseVersionRef?, in snapshot: CatalogueSnapshot) -> SourceStatus? {
        guard let ref, let source = snapshot.entries[ref.courseID] else { return nil }
        return SourceStatus(
            courseID: ref.courseID, derivedFromVersion: ref.version, latestVersion: source.latest.version,
            behind: source.latest.version > ref.version)
    }
}
