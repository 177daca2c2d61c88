import Contracts
import Foundation
import GRDB
import Messaging

// MARK: - The read model of course versions, from the catalogue's events

extension EnrolmentApplication {
    /// Records a published course version; returns false for a duplicate delivery.
    @discardableResult
    func coursePublished(_ envelope: CloudEvent<CoursePublished>) async throws -> Bool {
        try await store.write { db in
            guard try Inbox.claim(envelope.id, consumer: EnrolmentStore.consumer, in: db) else { return false }
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
    func courseArchived(_ envelope: CloudEvent<CourseArchived>) async throws -> Bool {
        try await store.write { db in
            guard try Inbox.claim(envelope.id, consumer: EnrolmentStore.consumer, in: db) else { return false }
            try db.execute(
                sql: "INSERT OR IGNORE INTO archivedCourse (courseID, archivedAt, reason) VALUES (?, ?, ?)",
                arguments: [envelope.data.courseID, envelope.data.archivedAt, envelope.data.reason])
            return true
        }
    }

    /// A course version as the catalogue published it, with its archiving if any.
    func courseVersion(_ ref: CourseVersionRef) async throws -> CourseVersion? {
        try await store.read { db in try EnrolmentStore.courseVersion(ref, in: db) }
    }
}
