import Contracts
import Foundation
import GRDB
import Messaging

// MARK: - The read model of course versions, from the catalogue's events

extension EnrolmentStore {
    /// Records a published course version; returns false for a duplicate delivery.
    @discardableResult
    public func coursePublished(_ envelope: CloudEvent<CoursePublished>) async throws -> Bool {
        try await database.write { db in
            guard try Inbox.claim(envelope.id, consumer: Self.consumer, in: db) else { return false }
            let snapshot = String(decoding: try EventCoding.encode(CourseVersion(envelope.data)), as: UTF8.self)
            // A published version never changes: a second publication of it is ignored.
            try db.execute(
                sql: "INSERT OR IGNORE INTO courseVersion (courseID, version, snapshot) VALUES (?, ?, ?)",
                arguments: [envelope.data.courseID, envelope.data.version, snapshot])
            return true
        }
    }

    /// Records that a course is archived: no new session may run any of its versions.
    @discardableResult
    public func courseArchived(_ envelope: CloudEvent<CourseArchived>) async throws -> Bool {
        try await database.write { db in
            guard try Inbox.claim(envelope.id, consumer: Self.consumer, in: db) else { return false }
            try db.execute(
                sql: "INSERT OR IGNORE INTO archivedCourse (courseID, archivedAt, reason) VALUES (?, ?, ?)",
                arguments: [envelope.data.courseID, envelope.data.archivedAt, envelope.data.reason])
            return true
        }
    }

    /// A course version as the catalogue published it, with its archiving if any.
    public func courseVersion(_ ref: CourseVersionRef) async throws -> CourseVersion? {
        try await database.read { db in try Self.courseVersion(ref, in: db) }
    }

    static func courseVersion(_ ref: CourseVersionRef, in db: Database) throws -> CourseVersion? {
        guard
            let text = try String.fetchOne(
                db, sql: "SELECT snapshot FROM courseVersion WHERE courseID = ? AND version = ?",
                arguments: [ref.courseID, ref.version])
        else { return nil }
        var course = try EventCoding.decode(CourseVersion.self, from: Data(text.utf8))
        course.archivedAt = try Date.fetchOne(
            db, sql: "SELECT archivedAt FROM archivedCourse WHERE courseID = ?", arguments: [ref.courseID])
        return course
    }
}
