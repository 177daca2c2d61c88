import Contracts
import Foundation
import GRDB

/// An enrolment tracking follows: approved (or promoted) enrolments, and withdrawals that stop tracking.
struct EnrolmentRow: Sendable, Equatable {
    enum Status: String, Sendable, Codable {
        case approved
        case withdrawn
    }

    var sessionID: String
    var enrolmentID: String
    var participantID: String
    var schoolLevel: SchoolLevel?
    var status: Status
    var approvedAt: Date?
    var withdrawnAt: Date?

    init(row: Row) {
        sessionID = row["session_id"]
        enrolmentID = row["enrolment_id"]
        participantID = row["participant_id"]
        schoolLevel = (row["school_level"] as String?).flatMap(SchoolLevel.init(rawValue:))
        status = Status(rawValue: row["status"]) ?? .withdrawn
        approvedAt = row.storedDate("approved_at")
        withdrawnAt = row.storedDate("withdrawn_at")
    }

    static func fetch(_ sessionID: String, _ enrolmentID: String, _ db: Database) throws -> EnrolmentRow? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM enrolment WHERE session_id = ? AND enrolment_id = ?"),
            arguments: [sessionID, enrolmentID]
        ).map(EnrolmentRow.init(row:))
    }

    static func fetchAll(session sessionID: String, _ db: Database) throws -> [EnrolmentRow] {
        try Row.fetchAll(
            db.cachedStatement(sql: "SELECT * FROM enrolment WHERE session_id = ? ORDER BY enrolment_id"),
            arguments: [sessionID]
        ).map(EnrolmentRow.init(row:))
    }

    /// Records an approval, unless a LATER withdrawal of the same enrolment is already known (events
    /// from the enrolment service may arrive out of order after retries).
    static func approve(
        sessionID: String, enrolmentID: String, participantID: String, schoolLevel: SchoolLevel, at date: Date,
        _ db: Database
    ) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO enrolment (session_id, enrolment_id, participant_id, school_level, status, approved_at)
                VALUES (?, ?, ?, ?, 'approved', ?)
                ON CONFLICT (session_id, enrolment_id) DO UPDATE SET
                    school_level = excluded.school_level,
                    approved_at = excluded.approved_at,
                    status = CASE WHEN enrolment.withdrawn_at IS NOT NULL AND enrolment.withdrawn_at >= excluded.approved_at
                                  THEN enrolment.status ELSE 'approved' END
                """
        ).execute(arguments: [sessionID, enrolmentID, participantID, schoolLevel.rawValue, date])
    }

    /// Records a withdrawal: tracking stops for the enrolment.
    static func withdraw(
        sessionID: String, enrolmentID: String, participantID: String, at date: Date, _ db: Database
    ) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO enrolment (session_id, enrolment_id, participant_id, status, withdrawn_at)
                VALUES (?, ?, ?, 'withdrawn', ?)
                ON CONFLICT (session_id, enrolment_id) DO UPDATE SET
                    withdrawn_at = excluded.withdrawn_at,
                    status = CASE WHEN enrolment.approved_at IS NOT NULL AND enrolment.approved_at > excluded.withdrawn_at
                                  THEN enrolment.status ELSE 'withdrawn' END
                """
        ).execute(arguments: [sessionID, enrolmentID, participantID, date])
    }
}
