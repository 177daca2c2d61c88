import Foundation
import GRDB
import Metrics

/// The consumer side of exactly-once effects: each consumed message id is recorded in the same
/// transaction as its effect, so a redelivered or duplicated message has no second effect.
public enum Inbox {
    /// Records `messageID` for `consumer` in the current transaction.
    ///
    /// Returns false when the message was already recorded: the caller must then skip its effect.
    public static func claim(_ messageID: String, consumer: String, in db: Database) throws -> Bool {
        try db.cachedStatement(
            sql: "INSERT OR IGNORE INTO magistere_inbox (consumer, message_id, received_at) VALUES (?, ?, ?)"
        ).execute(arguments: [consumer, messageID, Date().storedValue])
        let claimed = db.changesCount == 1
        if !claimed {
            Counter(label: "magistere_inbox_duplicates_dropped_total", dimensions: [("consumer", consumer)]).increment()
        }
        return claimed
    }

    /// Number of messages recorded for a consumer.
    public static func count(consumer: String, in db: Database) throws -> Int {
        try Int.fetchOne(
            db.cachedStatement(sql: "SELECT COUNT(*) FROM magistere_inbox WHERE consumer = ?"), arguments: [consumer])
            ?? 0
    }

    /// Forgets up to `limit` records older than `date`, oldest first (a redelivery older than the
    /// retention is not expected). Bounded so that pruning a backlog never holds the write lock long.
    @discardableResult
    public static func prune(before date: Date, limit: Int = .max, in db: Database) throws -> Int {
        try db.cachedStatement(
            sql: """
                DELETE FROM magistere_inbox WHERE (consumer, message_id) IN (
                    SELECT consumer, message_id FROM magistere_inbox WHERE received_at < ?
                    ORDER BY received_at LIMIT ?)
                """
        ).execute(arguments: [date, limit])
        return db.changesCount
    }
}
