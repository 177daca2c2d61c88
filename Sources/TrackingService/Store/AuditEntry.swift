import Foundation
import GRDB

/// One audited act of a session's staff that changes what counts (a backdated attendance sheet): who, when,
/// what. Kept beside the session's data, never rewritten.
struct AuditEntry: Sendable, Equatable {
    var sessionID: String
    var recordedAt: Date
    var actorID: String
    var action: String
    var detail: String

    func insert(_ db: Database) throws {
        try db.execute(
            sql: "INSERT INTO audit_entry (session_id, recorded_at, actor_id, action, detail) VALUES (?, ?, ?, ?, ?)",
            arguments: [sessionID, recordedAt, actorID, action, detail])
    }

    static func fetchAll(session sessionID: String, _ db: Database) throws -> [AuditEntry] {
        try Row.fetchAll(
            db, sql: "SELECT * FROM audit_entry WHERE session_id = ? ORDER BY recorded_at, rowid",
            arguments: [sessionID]
        ).map {
            AuditEntry(
                sessionID: $0["session_id"], recordedAt: $0["recorded_at"], actorID: $0["actor_id"],
                action: $0["action"], detail: $0["detail"])
        }
    }
}
