import Contracts
import Foundation
import GRDB
import Messaging
import ServiceSupport

/// The catalogue's SQLite store: courses, their drafts, immutable version snapshots, the full-text
/// index and the outbox of catalogue events.
///
/// Every write method is one transaction. Saving a course writes what its transition implies in that
/// same transaction: a new version row, its `catalog.course.published.v1` event in the outbox and the
/// search index entry on publication; the `catalog.course.archived.v1` event and the index removal on
/// archival. All access is through `await` (GRDB's synchronous API must not block the cooperative pool).
public struct CatalogStore: Sendable {
    /// The store's database: only this type reads and writes it (the outbox relay shares the pool).
    private let database: any DatabaseWriter

    /// - Parameter database: a pool opened by `ServiceStore.open` with ``CatalogMigrations``.
    public init(database: any DatabaseWriter) {
        self.database = database
    }

    /// One write transaction; its body keeps the caller's trace context (GRDB runs it on its writer thread), so
    /// that the events it appends continue the request's trace.
    private func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await database.write(TraceContext.carried(body))
    }

    // MARK: - Courses

    /// Inserts a new course (and its first version and event, if it comes already published).
    public func insert(_ course: Course) async throws {
        try await write { db in
            guard try CourseRecord.fetchOne(db, key: course.id) == nil else {
                throw CatalogStoreError.courseExists(course.id)
            }
            try Self.save(course, previous: nil, in: db)
        }
    }

    /// The course with this id, or nil.
    public func course(_ id: String) async throws -> Course? {
        try await database.read { db in try Self.load(id, in: db) }
    }

    /// Loads a course, applies `change` and saves it, in one transaction.
    ///
    /// `authorise` sees the course as stored, before anything else (a caller it refuses learns
    /// nothing, not even the revision), then the course as it would be saved. When it throws, when
    /// `expectedRevision` is given and differs from the stored one
    /// (``CatalogStoreError/revisionMismatch(current:)``), or when `change` throws, nothing changes.
    public func modify<Result: Sendable>(
        _ id: String, expectedRevision: Int? = nil, authorise: @escaping @Sendable (Course) throws -> Void,
        _ change: @escaping @Sendable (inout Course) throws -> Result
    ) async throws -> (course: Course, result: Result) {
        try await write { db in
            guard let before = try Self.load(id, in: db) else { throw CatalogStoreError.courseNotFound(id) }
            try authorise(before)
            if let expectedRevision, expectedRevision != before.revision {
                throw CatalogStoreError.revisionMismatch(current: before.revision)
            }
            var course = before
            let result = try change(&course)
            try authorise(course)
            try Self.save(course, previous: before, in: db)
            return (course, result)
        }
    }

    /// Derives a new course from a published version of `sourceID` (the latest when `version` is nil),
    /// in one transaction: the source is read and the new course written together.
    public func derive(
        from sourceID: String, version: Int?, _ make: @escaping @Sendable (CourseVersion) throws -> Course
    ) async throws -> Course {
        try await write { db in
            guard let source = try Self.load(sourceID, in: db) else { throw CatalogStoreError.courseNotFound(sourceID) }
            guard source.status != .archived else { throw CatalogRuleError.archived(courseID: sourceID) }
            let wanted = version ?? source.latestVersion?.number ?? 0
            guard wanted >= 1,
                let record = try VersionRecord.fetchOne(db, key: ["course_id": sourceID, "version": wanted])
            else { throw CatalogRuleError.unknownVersion(wanted) }
            let course = try make(CourseVersion(try record.event))
            guard try CourseRecord.fetchOne(db, key: course.id) == nil else {
                throw CatalogStoreError.courseExists(course.id)
            }
            try Self.save(course, previous: nil, in: db)
            return course
        }
    }

    // MARK: - Versions

    /// Every published version of a course, oldest first; nil when the course does not exist.
    public func versions(of id: String) async throws -> [CoursePublished]? {
        try await database.read { db in
            guard try CourseRecord.fetchOne(db, key: id) != nil else { return nil }
            return try VersionRecord.filter(VersionRecord.Columns.courseID == id)
                .order(VersionRecord.Columns.version).fetchAll(db).map { try $0.event }
        }
    }

    /// The corrections of a version's completion rules, oldest first (empty when it has none); nil when the course
    /// has no such version.
    public func rulesRevisions(of id: String, version: Int) async throws -> (CoursePublished, [CourseRulesRevised])? {
        try await database.read { db in try Self.rules(of: id, version: version, in: db) }
    }

    /// Records the next correction of a version's completion rules and its event, in one transaction: `make`
    /// gets the version, its corrections so far and the course (to check the caller's scope) and returns the
    /// revision to record.
    public func reviseRules(
        of id: String, version: Int,
        _ make: @escaping @Sendable (Course, CoursePublished, [CourseRulesRevised]) throws -> CourseRulesRevised
    ) async throws -> CourseRulesRevised {
        try await write { db in
            guard let course = try Self.load(id, in: db) else { throw CatalogStoreError.courseNotFound(id) }
            guard let (published, revisions) = try Self.rules(of: id, version: version, in: db) else {
                throw CatalogStoreError.versionNotFound(courseID: id, version: version)
            }
            let revision = try make(course, published, revisions)
            try db.execute(
                sql: "INSERT INTO catalog_rules_revision (course_id, version, revision, event) VALUES (?, ?, ?, ?)",
                arguments: [
                    id, version, revision.rulesRevision,
                    String(decoding: try EventCoding.encode(revision), as: UTF8.self),
                ])
            try CatalogEvents.append(revision, in: db)
            return revision
        }
    }

    private static func rules(
        of id: String, version: Int, in db: Database
    ) throws
        -> (CoursePublished, [CourseRulesRevised])?
    {
        guard let record = try VersionRecord.fetchOne(db, key: ["course_id": id, "version": version]) else {
            return nil
        }
        let revisions = try String.fetchAll(
            db, sql: "SELECT event FROM catalog_rules_revision WHERE course_id = ? AND version = ? ORDER BY revision",
            arguments: [id, version]
        ).map { try EventCoding.decode(CourseRulesRevised.self, from: Data($0.utf8)) }
        return (try record.event, revisions)
    }

    /// Everything the in-memory catalogue needs: each course that has a published version, with all its versions.
    public func publishedCourses() async throws -> [(course: Course, versions: [CoursePublished])] {
        try await database.read { db in
            let records = try CourseRecord.filter(CourseRecord.Columns.latestVersion > 0).fetchAll(db)
            var versions: [String: [CoursePublished]] = [:]
            for record in try VersionRecord.order(VersionRecord.Columns.courseID, VersionRecord.Columns.version)
                .fetchAll(db)
            {
                versions[record.courseID, default: []].append(try record.event)
            }
            return try records.map { record in
                let list = versions[record.id] ?? []
                return (try record.course(latestVersion: list.last.map(CourseVersion.init)), list)
            }
        }
    }

    // MARK: - Full-text search

    /// Ids of the courses in the offer matching every term of `query` (prefix match, diacritics
    /// ignored), best first: title matches weigh most, then keywords, objectives and summary.
    public func search(_ query: String) async throws -> [String] {
        guard let match = Self.ftsQuery(query) else { return [] }
        return try await database.read { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT course_id FROM catalog_search WHERE catalog_search MATCH ?
                    ORDER BY bm25(catalog_search, 0.0, 10.0, 1.0, 3.0, 5.0), course_id
                    """, arguments: [match])
        }
    }

    /// The FTS5 expression of a user's query: each word quoted (so no FTS syntax gets through) and
    /// prefix-matched, all words required. Nil when the query has no word.
    static func ftsQuery(_ text: String) -> String? {
        let words = text.split { !($0.isLetter || $0.isNumber) }.prefix(12)
        guard !words.isEmpty else { return nil }
        return words.map { "\"\($0)\"*" }.joined(separator: " ")
    }

    /// The courses with a pending draft that `include` keeps (the caller's scope), most recently changed first,
    /// at most `limit`. Drafts are few beside the published offer; each is read in full to learn its origin.
    public func drafts(limit: Int, where include: @escaping @Sendable (Course) -> Bool) async throws -> [Course] {
        try await database.read { db in
            let ids = try String.fetchCursor(
                db,
                sql: "SELECT id FROM catalog_course WHERE draft IS NOT NULL ORDER BY updated_at DESC, id")
            var courses: [Course] = []
            while courses.count < limit, let id = try ids.next() {
                if let course = try Self.load(id, in: db), include(course) { courses.append(course) }
            }
            return courses
        }
    }

    // MARK: - Saving

    private static func load(_ id: String, in db: Database) throws -> Course? {
        guard let record = try CourseRecord.fetchOne(db, key: id) else { return nil }
        var version: CourseVersion?
        if record.latestVersion > 0,
            let row = try VersionRecord.fetchOne(db, key: ["course_id": id, "version": record.latestVersion])
        {
            version = CourseVersion(try row.event)
        }
        return try record.course(latestVersion: version)
    }

    private static func save(_ course: Course, previous: Course?, in db: Database) throws {
        try CourseRecord(course).save(db)
        if let version = course.latestVersion, version.number != previous?.latestVersion?.number {
            let event = version.event
            try VersionRecord(event).insert(db)
            try CatalogEvents.append(event, in: db)
            // `course_id` is not indexed in the FTS table: this delete reads the whole index. A course's first
            // version has no entry to replace (entries are only written on publication), so it skips it.
            if previous?.latestVersion != nil {
                try db.execute(sql: "DELETE FROM catalog_search WHERE course_id = ?", arguments: [course.id])
            }
            try db.execute(
                sql:
                    "INSERT INTO catalog_search (course_id, title, summary, objectives, keywords) VALUES (?, ?, ?, ?, ?)",
                arguments: [
                    course.id, event.title, event.summary, event.objectives.joined(separator: "\n"),
                    event.keywords.joined(separator: "\n"),
                ])
        }
        if course.status == .archived, previous?.status != .archived {
            try CatalogEvents.append(CatalogEvents.archived(course), in: db)
            try db.execute(sql: "DELETE FROM catalog_search WHERE course_id = ?", arguments: [course.id])
        }
    }
}
