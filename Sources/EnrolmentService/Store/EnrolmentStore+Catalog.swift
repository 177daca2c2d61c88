import Contracts
import Foundation
import GRDB
import Messaging

// Inside a transaction: the reads and writes the use cases of EnrolmentApplication compose.

extension EnrolmentStore {
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
