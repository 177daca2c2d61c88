import Contracts
import Foundation
import GRDB
import Messaging

/// One revision of an enrolment's course completion as recorded: revision 1 is the first completion; a
/// correction revokes it (``revokedAt``), and completing again records the next revision. At most one
/// revision of an enrolment is in force (not revoked).
struct CompletionRow: Sendable, Equatable {
    var sessionID: String
    var enrolmentID: String
    var revision: Int
    var ruleVersion: Int
    /// The revision of the course version's rules that decided.
    var rulesRevision: Int
    var completedAt: Date
    var distanceMinutes: Int
    var inPersonMinutes: Int
    var criteriaMet: [String]
    var eventID: String
    /// When a correction revoked this revision; nil while it is in force.
    var revokedAt: Date?
    var revocationCause: CourseCompletionRevoked.Cause?

    init(
        sessionID: String, enrolmentID: String, revision: Int = 1, ruleVersion: Int, rulesRevision: Int = 1,
        completedAt: Date,
        distanceMinutes: Int, inPersonMinutes: Int, criteriaMet: [String], eventID: String, revokedAt: Date? = nil,
        revocationCause: CourseCompletionRevoked.Cause? = nil
    ) {
        self.sessionID = sessionID
        self.enrolmentID = enrolmentID
        self.revision = revision
        self.ruleVersion = ruleVersion
        self.rulesRevision = rulesRevision
        self.completedAt = completedAt
        self.distanceMinutes = distanceMinutes
        self.inPersonMinutes = inPersonMinutes
        self.criteriaMet = criteriaMet
        self.eventID = eventID
        self.revokedAt = revokedAt
        self.revocationCause = revocationCause
    }

    /// The columns ``init(row:)`` reads, by position, first in the row (a lookup by name costs a case-insensitive
    /// search per column: ~5 % of tracking's CPU with trainers reading their tables), each prefixed with `table`.
    static func columns(of table: String = "") -> String {
        [
            "session_id", "enrolment_id", "revision", "rule_version", "rules_revision", "completed_at",
            "distance_minutes", "in_person_minutes", "criteria_met", "event_id", "revoked_at", "revocation_cause",
        ].map { table.isEmpty ? $0 : "\(table).\($0)" }.joined(separator: ", ")
    }

    static let selectedColumns = columns()

    /// A row selected with ``columns(of:)`` first.
    init(row: Row) throws {
        sessionID = row[0]
        enrolmentID = row[1]
        revision = row[2]
        ruleVersion = row[3]
        rulesRevision = row[4]
        completedAt = row.storedDate(atIndex: 5) ?? row[5]
        distanceMinutes = row[6]
        inPersonMinutes = row[7]
        criteriaMet = try StringArrayColumn.read(row[8])
        eventID = row[9]
        revokedAt = row.storedDate(atIndex: 10)
        revocationCause = (row[11] as String?).flatMap(CourseCompletionRevoked.Cause.init(rawValue:))
    }

    /// The enrolment's latest revision, revoked or not; nil when it never completed.
    static func latest(
        session sessionID: String, enrolment enrolmentID: String, _ db: Database
    ) throws
        -> CompletionRow?
    {
        try Row.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT \(selectedColumns) FROM course_completion WHERE session_id = ? AND enrolment_id = ?
                    ORDER BY revision DESC LIMIT 1
                    """),
            arguments: [sessionID, enrolmentID]
        ).map(CompletionRow.init(row:))
    }

    /// The completion in force of the enrolment, if any.
    static func fetch(
        session sessionID: String, enrolment enrolmentID: String, _ db: Database
    ) throws
        -> CompletionRow?
    {
        try latest(session: sessionID, enrolment: enrolmentID, db).flatMap { $0.revokedAt == nil ? $0 : nil }
    }

    /// The completions in force in a session, by enrolment id.
    static func fetchAll(session sessionID: String, _ db: Database) throws -> [String: CompletionRow] {
        let rows = try Row.fetchAll(
            db.cachedStatement(
                sql: "SELECT \(selectedColumns) FROM course_completion WHERE session_id = ? AND revoked_at IS NULL"),
            arguments: [sessionID])
        return Dictionary(
            try rows.map { row in
                let completion = try CompletionRow(row: row)
                return (completion.enrolmentID, completion)
            }, uniquingKeysWith: { $1 })
    }

    /// Inserts the revision, recorded (announced) at `time`; returns false when it was already recorded.
    func insert(recordedAt time: Date, _ db: Database) throws -> Bool {
        try db.cachedStatement(
            sql: """
                INSERT OR IGNORE INTO course_completion (session_id, enrolment_id, revision, rule_version,
                    rules_revision, completed_at, distance_minutes, in_person_minutes, criteria_met, event_id,
                    recorded_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            sessionID, enrolmentID, revision, ruleVersion, rulesRevision, completedAt.storedValue, distanceMinutes,
            inPersonMinutes, String(decoding: try JSONEncoder().encode(criteriaMet), as: UTF8.self), eventID,
            time.storedValue,
        ])
        return db.changesCount == 1
    }

    /// Marks this revision revoked; returns false when it already was.
    func revoke(cause: CourseCompletionRevoked.Cause, eventID: String, at time: Date, _ db: Database) throws -> Bool {
        try db.cachedStatement(
            sql: """
                UPDATE course_completion SET revoked_at = ?, revocation_cause = ?, revocation_event_id = ?
                WHERE session_id = ? AND enrolment_id = ? AND revision = ? AND revoked_at IS NULL
                """
        ).execute(arguments: [time.storedValue, cause.rawValue, eventID, sessionID, enrolmentID, revision])
        return db.changesCount == 1
    }
}
