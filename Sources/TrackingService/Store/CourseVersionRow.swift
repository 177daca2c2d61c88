import Contracts
import Foundation
import GRDB

/// A published course version's activity plan, as tracking keeps it (from `catalog.course.published.v1`).
struct CourseVersionRow: Sendable, Equatable {
    var ref: CourseVersionRef
    var title: String
    var activities: [ActivitySnapshot]
    /// The course's "N of these" requirements.
    var groups: [CompletionGroup] = []
    var publishedAt: Date
    /// 1: the rules as published; then the designer's corrections (`catalog.course.rules-revised.v1`).
    var rulesRevision = 1

    /// Published versions are immutable: a second copy of the same version changes nothing.
    func insert(_ db: Database) throws {
        let json = String(decoding: try JSONEncoder().encode(activities), as: UTF8.self)
        let groupsJSON = String(decoding: try JSONEncoder().encode(groups), as: UTF8.self)
        try db.cachedStatement(
            sql: """
                INSERT OR IGNORE INTO course_version (course_id, version, title, activities, published_at,
                    completion_groups)
                VALUES (?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [ref.courseID, ref.version, title, json, publishedAt, groupsJSON])
    }

    static func fetch(_ ref: CourseVersionRef, _ db: Database) throws -> CourseVersionRow? {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM course_version WHERE course_id = ? AND version = ?"),
                arguments: [ref.courseID, ref.version])
        else { return nil }
        let json: String = row["activities"]
        let groupsJSON: String = row["completion_groups"]
        return CourseVersionRow(
            ref: ref, title: row["title"],
            activities: try JSONDecoder().decode([ActivitySnapshot].self, from: Data(json.utf8)),
            groups: try JSONDecoder().decode([CompletionGroup].self, from: Data(groupsJSON.utf8)),
            publishedAt: row["published_at"], rulesRevision: row["rules_revision"])
    }

    /// The version's rules after a designer's correction, unless a later one was applied already; nil when the
    /// version is not known (yet).
    static func applying(_ revised: CourseRulesRevised, _ db: Database) throws -> CourseVersionRow? {
        guard var row = try fetch(revised.versionRef, db) else { return nil }
        guard revised.rulesRevision > row.rulesRevision else { return row }
        let rules = Dictionary(revised.activities.map { ($0.activityID, $0) }, uniquingKeysWith: { first, _ in first })
        row.activities = row.activities.map { activity in rules[activity.id]?.applied(to: activity) ?? activity }
        row.groups = revised.completionGroups
        row.rulesRevision = revised.rulesRevision
        try db.cachedStatement(
            sql: """
                UPDATE course_version SET activities = ?, completion_groups = ?, rules_revision = ?
                WHERE course_id = ? AND version = ?
                """
        ).execute(arguments: [
            String(decoding: try JSONEncoder().encode(row.activities), as: UTF8.self),
            String(decoding: try JSONEncoder().encode(row.groups), as: UTF8.self), row.rulesRevision,
            row.ref.courseID, row.ref.version,
        ])
        return row
    }
}
