import Foundation
import GRDB
import Messaging

/// A course completion as recorded (once per enrolment and rule version).
struct CompletionRow: Sendable, Equatable {
    var sessionID: String
    var enrolmentID: String
    var ruleVersion: Int
    var completedAt: Date
    var distanceMinutes: Int
    var inPersonMinutes: Int
    var criteriaMet: [String]
    var eventID: String

    init(
        sessionID: String, enrolmentID: String, ruleVersion: Int, completedAt: Date, distanceMinutes: Int,
        inPersonMinutes: Int, criteriaMet: [String], eventID: String
    ) {
        self.sessionID = sessionID
        self.enrolmentID = enrolmentID
        self.ruleVersion = ruleVersion
        self.completedAt = completedAt
        self.distanceMinutes = distanceMinutes
        self.inPersonMinutes = inPersonMinutes
        self.criteriaMet = criteriaMet
        self.eventID = eventID
    }

    init(row: Row) throws {
        sessionID = row["session_id"]
        enrolmentID = row["enrolment_id"]
        ruleVersion = row["rule_version"]
        completedAt = row["completed_at"]
        distanceMinutes = row["distance_minutes"]
        inPersonMinutes = row["in_person_minutes"]
        criteriaMet = try JSONDecoder().decode([String].self, from: Data((row["criteria_met"] as String).utf8))
        eventID = row["event_id"]
    }

    static func fetch(
        session sessionID: String, enrolment enrolmentID: String, ruleVersion: Int, _ db: Database
    )
        throws -> CompletionRow?
    {
        try Row.fetchOne(
            db.cachedStatement(
                sql: "SELECT * FROM course_completion WHERE session_id = ? AND enrolment_id = ? AND rule_version = ?"),
            arguments: [sessionID, enrolmentID, ruleVersion]
        ).map(CompletionRow.init(row:))
    }

    static func fetchAll(session sessionID: String, ruleVersion: Int, _ db: Database) throws -> [String: CompletionRow]
    {
        let rows = try Row.fetchAll(
            db.cachedStatement(sql: "SELECT * FROM course_completion WHERE session_id = ? AND rule_version = ?"),
            arguments: [sessionID, ruleVersion])
        return Dictionary(
            uniqueKeysWithValues: try rows.map { row in (row["enrolment_id"], try CompletionRow(row: row)) })
    }

    /// Inserts the completion; returns false when it was already recorded.
    func insert(_ db: Database) throws -> Bool {
        try db.cachedStatement(
            sql: """
                INSERT OR IGNORE INTO course_completion (session_id, enrolment_id, rule_version, completed_at,
                    distance_minutes, in_person_minutes, criteria_met, event_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            sessionID, enrolmentID, ruleVersion, completedAt.storedValue, distanceMinutes, inPersonMinutes,
            String(decoding: try JSONEncoder().encode(criteriaMet), as: UTF8.self), eventID,
        ])
        return db.changesCount == 1
    }
}
