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
    /// When the session starts (from `session.scheduled`): no completion is dated before it.
    var startsAt: Date?

    init(
        sessionID: String, academy: String, course: CourseVersionRef, schoolLevel: SchoolLevel,
        trainerIDs: [String] = [], tutorIDs: [String] = [], scheduled: Bool, cancelledAt: Date? = nil,
        startsAt: Date? = nil
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
        self.startsAt = startsAt
    }

    init(row: Row) throws {
        sessionID = row["session_id"]
        partition = row["partition"]
        academy = row["academy"]
        course = CourseVersionRef(courseID: row["course_id"], version: row["course_version"])
        schoolLevel = SchoolLevel(rawValue: row["school_level"]) ?? .secondary
        trainerIDs = try Self.ids(row["trainer_ids"])
        tutorIDs = try Self.ids(row["tutor_ids"])
        scheduled = row["scheduled"]
        cancelledAt = row.storedDate("cancelled_at")
        startsAt = row.storedDate("starts_at")
    }

    /// Whether the person may see and record this session's attendance.
    func isStaff(_ actorID: String) -> Bool { trainerIDs.contains(actorID) || tutorIDs.contains(actorID) }

    static func fetch(_ sessionID: String, _ db: Database) throws -> SessionRow? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM session WHERE session_id = ?"), arguments: [sessionID])
            .map(SessionRow.init(row:))
    }

    /// Writes the session from `session.scheduled`: the authoritative description.
    func saveScheduled(_ db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO session (session_id, partition, academy, course_id, course_version, school_level,
                                     trainer_ids, tutor_ids, scheduled, starts_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?)
                ON CONFLICT (session_id) DO UPDATE SET
                    academy = excluded.academy, course_id = excluded.course_id,
                    course_version = excluded.course_version, school_level = excluded.school_level,
                    trainer_ids = CASE WHEN session.staff_changed THEN session.trainer_ids ELSE excluded.trainer_ids END,
                    tutor_ids = CASE WHEN session.staff_changed THEN session.tutor_ids ELSE excluded.tutor_ids END,
                    scheduled = 1, starts_at = excluded.starts_at
                """
        ).execute(arguments: [
            sessionID, partition, academy, course.courseID, course.version, schoolLevel.rawValue,
            try Self.json(trainerIDs), try Self.json(tutorIDs), startsAt,
        ])
        try Self.applyEarlyCancellation(sessionID, db)
    }

    /// Creates the session from an enrolment's data unless it exists already.
    func insertIfMissing(_ db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT OR IGNORE INTO session (session_id, partition, academy, course_id, course_version, school_level)
                VALUES (?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [sessionID, partition, academy, course.courseID, course.version, schoolLevel.rawValue])
        try Self.applyEarlyCancellation(sessionID, db)
    }

    /// Marks the session cancelled. A cancellation that arrives before anything else of its session (events
    /// may overtake each other after retries) is kept and applied when the session row is created.
    static func markCancelled(_ sessionID: String, at date: Date, _ db: Database) throws {
        try db.cachedStatement(sql: "UPDATE session SET cancelled_at = COALESCE(cancelled_at, ?) WHERE session_id = ?")
            .execute(arguments: [date, sessionID])
        guard db.changesCount == 0 else { return }
        try db.cachedStatement(sql: "INSERT OR IGNORE INTO early_cancellation (session_id, cancelled_at) VALUES (?, ?)")
            .execute(arguments: [sessionID, date])
    }

    /// The staff assignment as enrolment last changed it (`session.staff-changed`): it wins over the lists of
    /// `session.scheduled`, whichever arrives first.
    static func replaceStaff(
        _ sessionID: String, trainerIDs: [String], tutorIDs: [String], changedAt: Date, _ db: Database
    ) throws -> Bool {
        try db.cachedStatement(
            sql: """
                UPDATE session SET trainer_ids = ?, tutor_ids = ?, staff_changed = 1, staff_changed_at = ?
                WHERE session_id = ? AND (staff_changed_at IS NULL OR staff_changed_at <= ?)
                """
        ).execute(arguments: [try json(trainerIDs), try json(tutorIDs), changedAt, sessionID, changedAt])
        return db.changesCount == 1
    }

    private static func applyEarlyCancellation(_ sessionID: String, _ db: Database) throws {
        try db.cachedStatement(
            sql: """
                UPDATE session SET cancelled_at = (SELECT cancelled_at FROM early_cancellation WHERE session_id = ?)
                WHERE session_id = ? AND cancelled_at IS NULL
                  AND EXISTS (SELECT 1 FROM early_cancellation WHERE session_id = ?)
                """
        ).execute(arguments: [sessionID, sessionID, sessionID])
    }

    /// A JSON array of pseudonymous ids, as ``json(_:)`` writes it (``StringArrayColumn``).
    static func ids(_ text: String) throws -> [String] { try StringArrayColumn.read(text) }

    private static func json(_ ids: [String]) throws -> String {
        String(decoding: try JSONEncoder().encode(ids), as: UTF8.self)
    }
}
