import Foundation
import GRDB
import Messaging

/// Persistence of ``ActivityProgress``, keyed by session, enrolment and activity.
enum ActivityProgressRow {
    /// The columns ``decode(_:)`` reads, by position (a lookup by name costs a case-insensitive search per
    /// column, and this runs several times per progress report).
    static let columns = """
        activity_id, started_at, seconds_spent, completed_at, best_score, passed_at, attendance,
        attendance_recorded_at, last_activity_at, attendance_claimed_at, enrolment_id, minimum_time_met_at,
        rules_revision
        """

    static func decode(_ row: Row) -> ActivityProgress {
        ActivityProgress(
            activityID: row[0], startedAt: row.storedDate(atIndex: 1), secondsSpent: row[2],
            completedAt: row.storedDate(atIndex: 3), bestScore: row[4], passedAt: row.storedDate(atIndex: 5),
            attendance: (row[6] as String?).flatMap(AttendanceStatus.init(rawValue:)),
            attendanceRecordedAt: row.storedDate(atIndex: 7), lastActivityAt: row.storedDate(atIndex: 8),
            attendanceClaimedAt: row.storedDate(atIndex: 9), minimumTimeMetAt: row.storedDate(atIndex: 11),
            rulesRevision: row[12])
    }

    /// One enrolment's progress, by activity id.
    static func fetch(
        session sessionID: String, enrolment enrolmentID: String, _ db: Database
    ) throws
        -> [String: ActivityProgress]
    {
        let rows = try Row.fetchAll(
            db.cachedStatement(
                sql: "SELECT \(columns) FROM activity_progress WHERE session_id = ? AND enrolment_id = ?"),
            arguments: [sessionID, enrolmentID])
        return Dictionary(uniqueKeysWithValues: rows.map { row in (row[0], decode(row)) })
    }

    /// A whole session's progress, by enrolment id then activity id.
    static func fetchAll(session sessionID: String, _ db: Database) throws -> [String: [String: ActivityProgress]] {
        var result: [String: [String: ActivityProgress]] = [:]
        let statement = try db.cachedStatement(sql: "SELECT \(columns) FROM activity_progress WHERE session_id = ?")
        for row in try Row.fetchAll(statement, arguments: [sessionID]) {
            let progress = decode(row)
            result[row[10], default: [:]][progress.activityID] = progress
        }
        return result
    }

    static func save(
        _ progress: ActivityProgress, session sessionID: String, enrolment enrolmentID: String, recordedBy: String?,
        _ db: Database
    ) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO activity_progress (session_id, enrolment_id, activity_id, started_at, seconds_spent,
                    completed_at, best_score, passed_at, attendance, attendance_recorded_at, attendance_recorded_by,
                    last_activity_at, attendance_claimed_at, minimum_time_met_at, rules_revision)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (session_id, enrolment_id, activity_id) DO UPDATE SET
                    started_at = excluded.started_at, seconds_spent = excluded.seconds_spent,
                    completed_at = excluded.completed_at, best_score = excluded.best_score,
                    passed_at = excluded.passed_at, attendance = excluded.attendance,
                    attendance_recorded_at = excluded.attendance_recorded_at,
                    attendance_recorded_by = COALESCE(excluded.attendance_recorded_by, attendance_recorded_by),
                    last_activity_at = excluded.last_activity_at,
                    attendance_claimed_at = excluded.attendance_claimed_at,
                    minimum_time_met_at = excluded.minimum_time_met_at, rules_revision = excluded.rules_revision
                """
        ).execute(arguments: [
            sessionID, enrolmentID, progress.activityID, progress.startedAt.storedValue, progress.secondsSpent,
            progress.completedAt.storedValue, progress.bestScore, progress.passedAt.storedValue,
            progress.attendance?.rawValue, progress.attendanceRecordedAt.storedValue, recordedBy,
            progress.lastActivityAt.storedValue, progress.attendanceClaimedAt.storedValue,
            progress.minimumTimeMetAt.storedValue, progress.rulesRevision,
        ])
    }
}
