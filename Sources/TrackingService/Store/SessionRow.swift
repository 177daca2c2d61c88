import Contracts
import Foundation
import GRDB

/// A session as tracking knows it: its partition, academy, pinned course version and trainers.
///
/// An enrolment event may arrive before the session's own event: the row is then created from what the
/// enrolment carries (`scheduled` false, no trainers yet) and completed when `session.scheduled` arrives.
struct SessionRow: Sendable, Equatable {
    var sessionID: String
    var partition: Int
    var academy: String
    var course: CourseVersionRef
    var schoolLevel: SchoolLevel
    var trainerIDs: [String]
    var tutorIDs: [String]
    var scheduled: Bool
    var cancelledAt: Date?

    init(
        sessionID: String, academy: String, course: CourseVersionRef, schoolLevel: SchoolLevel,
        trainerIDs: [String] = [], tutorIDs: [String] = [], scheduled: Bool, cancelledAt: Date? = nil
    ) {
        self.sessionID = sessionID
        self.partition = TrackingPartitions.partition(ofSession: sessionID)
        self.academy = academy
        self.course = course
        self.schoolLevel = schoolLevel
        self.trainerIDs = trainerIDs
        self.tutorIDs = tutorIDs
        self.scheduled = scheduled
        self.cancelledAt = cancelledAt
    }

    init(row: Row) throws {
        sessionID = row["session_id"]
        partition = row["partition"]
        academy = row["academy"]
        course = CourseVersionRef(courseID: row["course_id"], version: row["course_version"])
        schoolLevel = SchoolLevel(rawValue: row["school_level"]) ?? .secondary
        trainerIDs = try JSONDecoder().decode([String].self, from: Data((row["trainer_ids"] as String).utf8))
        tutorIDs = try JSONDecoder().decode([String].self, from: Data((row["tutor_ids"] as String).utf8))
        scheduled = row["scheduled"]
        cancelledAt = row["cancelled_at"]
    }

    /// Whether the person may see and record this session's attendance.
    func isStaff(_ actorID: String) -> Bool { trainerIDs.contains(actorID) || tutorIDs.contains(actorID) }

    static func fetch(_ sessionID: String, _ db: Database) throws -> SessionRow? {
        try Row.fetchOne(db, sql: "SELECT * FROM session WHERE session_id = ?", arguments: [sessionID])
            .map(SessionRow.init(row:))
    }

    /// Writes the session from `session.scheduled`: the authoritative description.
    func saveScheduled(_ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO session (session_id, partition, academy, course_id, course_version, school_level,
                                     trainer_ids, tutor_ids, scheduled)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)
                ON CONFLICT (session_id) DO UPDATE SET
                    academy = excluded.academy, course_id = excluded.course_id,
                    course_version = excluded.course_version, school_level = excluded.school_level,
                    trainer_ids = excluded.trainer_ids, tutor_ids = excluded.tutor_ids, scheduled = 1
                """,
            arguments: [
                sessionID, partition, academy, course.courseID, course.version, schoolLevel.rawValue,
                try Self.json(trainerIDs), try Self.json(tutorIDs),
            ])
    }

    /// Creates the session from an enrolment's data unless it exists already.
    func insertIfMissing(_ db: Database) throws {
        try db.execute(
            sql: """
                INSERT OR IGNORE INTO session (session_id, partition, academy, course_id, course_version, school_level)
                VALUES (?, ?, ?, ?, ?, ?)
                """,
            arguments: [sessionID, partition, academy, course.courseID, course.version, schoolLevel.rawValue])
    }

    static func markCancelled(_ sessionID: String, at date: Date, _ db: Database) throws {
        try db.execute(
            sql: "UPDATE session SET cancelled_at = COALESCE(cancelled_at, ?) WHERE session_id = ?",
            arguments: [date, sessionID])
    }

    private static func json(_ ids: [String]) throws -> String {
        String(decoding: try JSONEncoder().encode(ids), as: UTF8.self)
    }
}
