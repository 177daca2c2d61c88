import Contracts
import Foundation
import GRDB

/// A course's row: its life-cycle state and pending draft (as JSON). Versions live in ``VersionRecord``.
struct CourseRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "catalog_course"

    enum Columns {
        static let id = Column(CodingKeys.id)
        static let status = Column(CodingKeys.status)
        static let revision = Column(CodingKeys.revision)
        static let latestVersion = Column(CodingKeys.latestVersion)
    }

    var id: String
    var status: String
    var revision: Int
    /// The pending ``CourseDraft`` in the platform's JSON encoding, or nil.
    var draft: String?
    var latestVersion: Int
    var derivedFromCourse: String?
    var derivedFromVersion: Int?
    var createdAt: Date
    var updatedAt: Date
    var archivedAt: Date?
    var archiveReason: String?

    enum CodingKeys: String, CodingKey {
        case id, status, revision, draft
        case latestVersion = "latest_version"
        case derivedFromCourse = "derived_from_course"
        case derivedFromVersion = "derived_from_version"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case archivedAt = "archived_at"
        case archiveReason = "archive_reason"
    }

    init(_ course: Course) throws {
        id = course.id
        status = course.status.rawValue
        revision = course.revision
        draft = try course.draft.map { String(decoding: try EventCoding.encode($0), as: UTF8.self) }
        latestVersion = course.latestVersion?.number ?? 0
        derivedFromCourse = course.derivedFrom?.courseID
        derivedFromVersion = course.derivedFrom?.version
        createdAt = course.createdAt
        updatedAt = course.updatedAt
        archivedAt = course.archivedAt
        archiveReason = course.archiveReason
    }

    /// The course, given its latest version (loaded separately).
    func course(latestVersion version: CourseVersion?) throws -> Course {
        let derivedFrom = derivedFromCourse.flatMap { course in
            derivedFromVersion.map { CourseVersionRef(courseID: course, version: $0) }
        }
        return Course(
            id: id, status: Course.Status(rawValue: status) ?? .draft, revision: revision,
            draft: try draft.map { try EventCoding.decode(CourseDraft.self, from: Data($0.utf8)) },
            latestVersion: version, derivedFrom: derivedFrom, createdAt: createdAt, updatedAt: updatedAt,
            archivedAt: archivedAt, archiveReason: archiveReason)
    }
}

/// An immutable published version: the `catalog.course.published.v1` snapshot, as JSON.
struct VersionRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "catalog_course_version"

    enum Columns {
        static let courseID = Column(CodingKeys.courseID)
        static let version = Column(CodingKeys.version)
    }

    var courseID: String
    var version: Int
    var snapshot: String
    var publishedAt: Date

    enum CodingKeys: String, CodingKey {
        case courseID = "course_id"
        case version, snapshot
        case publishedAt = "published_at"
    }

    init(_ event: CoursePublished) throws {
        courseID = event.courseID
        version = event.version
        snapshot = String(decoding: try EventCoding.encode(event), as: UTF8.self)
        publishedAt = event.publishedAt
    }

    var event: CoursePublished {
        get throws { try EventCoding.decode(CoursePublished.self, from: Data(snapshot.utf8)) }
    }
}
