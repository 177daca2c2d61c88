import Contracts
import Foundation
import GRDB

/// The publishing side of the transactional outbox: events are written in the same SQLite
/// transaction as the state change they announce; the ``OutboxRelay`` publishes them afterwards.
public enum Outbox {
    /// Appends an event to the outbox inside the caller's transaction.
    ///
    /// `id` defaults to a random UUID. A deterministic id (e.g. derived from what completed) makes a
    /// second append of the same fact a no-op: it can never be announced twice under two ids.
    /// Returns false when an event with this id was already in the outbox.
    ///
    /// `traceparent` defaults to a new span of the current trace (``TraceContext/current``: the HTTP request or
    /// the event being handled that caused this one), so that subscribers can follow the chain.
    @discardableResult
    public static func append<E: DomainEvent>(
        _ event: E, id: String = UUID().uuidString.lowercased(), time: Date = Date(), traceparent: String? = nil,
        in db: Database
    ) throws -> Bool {
        try append(Message.event(event, id: id, time: time, traceparent: traceparent), in: db)
    }

    /// Appends an already built message (its body must be the CloudEvent JSON).
    @discardableResult
    public static func append(_ message: Message, in db: Database) throws -> Bool {
        let headers = try HeadersJSON.encode(message.headers)
        try db.cachedStatement(
            sql: """
                INSERT OR IGNORE INTO magistere_outbox (id, type, source, subject, time, body, headers, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            message.id, message.type, message.source, message.subject, message.time.storedValue, message.body, headers,
            Date().storedValue,
        ])
        return db.changesCount == 1
    }

    /// The oldest unpublished messages, in the order they were written.
    static func pending(limit: Int, in db: Database) throws -> [(seq: Int64, message: Message)] {
        let rows = try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT seq, id, type, source, subject, time, body, headers FROM magistere_outbox
                    WHERE published_at IS NULL ORDER BY seq LIMIT ?
                    """), arguments: [limit])
        return try rows.map { row in
            let headers = try HeadersJSON.decode(row["headers"])
            let message = Message(
                id: row["id"], type: row["type"], source: row["source"], subject: row["subject"], time: row["time"],
                body: row["body"], headers: headers)
            return (row["seq"], message)
        }
    }

    /// Marks messages up to and including `seq` as published.
    static func markPublished(upTo seq: Int64, at date: Date, in db: Database) throws {
        try db.cachedStatement(
            sql: "UPDATE magistere_outbox SET published_at = ? WHERE published_at IS NULL AND seq <= ?"
        ).execute(arguments: [date.storedValue, seq])
    }

    /// Marks confirmed rows that no queue received (nobody subscribes to their type).
    static func markUnroutable(seqs: [Int64], in db: Database) throws {
        guard !seqs.isEmpty else { return }
        try db.cachedStatement(
            sql: "UPDATE magistere_outbox SET unroutable = 1 WHERE seq IN (\(databaseQuestionMarks(count: seqs.count)))"
        ).execute(arguments: StatementArguments(seqs))
    }

    static func recordFailure(seq: Int64, error: String, in db: Database) throws {
        try db.cachedStatement(sql: "UPDATE magistere_outbox SET attempts = attempts + 1, last_error = ? WHERE seq = ?")
            .execute(arguments: [error, seq])
    }

    /// How far the relay is behind.
    public static func status(in db: Database, now: Date = Date()) throws -> OutboxStatus {
        let row = try Row.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT COUNT(*) AS pending, MIN(created_at) AS oldest, MAX(attempts) AS attempts,
                           (SELECT last_error FROM magistere_outbox WHERE published_at IS NULL ORDER BY seq LIMIT 1) AS error
                    FROM magistere_outbox WHERE published_at IS NULL
                    """))!
        let published = try Row.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT COUNT(*) AS published, COALESCE(SUM(unroutable), 0) AS unroutable
                    FROM magistere_outbox WHERE published_at IS NOT NULL
                    """))!
        let oldest: Date? = row["oldest"]
        return OutboxStatus(
            pending: row["pending"], published: published["published"], unroutable: published["unroutable"],
            oldestPendingAge: oldest.map { max(0, now.timeIntervalSince($0)) },
            headAttempts: row["attempts"] ?? 0, lastError: row["error"])
    }

    /// Deletes up to `limit` published rows older than `date`, oldest first; pending rows are never deleted.
    ///
    /// Bounded so that a caller can prune a large backlog in short transactions, never holding the
    /// store's write lock for long (see ``OutboxRelay``).
    @discardableResult
    public static func prunePublished(before date: Date, limit: Int = .max, in db: Database) throws -> Int {
        try db.cachedStatement(
            sql: """
                DELETE FROM magistere_outbox WHERE seq IN (
                    SELECT seq FROM magistere_outbox WHERE published_at IS NOT NULL AND published_at < ?
                    ORDER BY published_at LIMIT ?)
                """
        ).execute(arguments: [date, limit])
        return db.changesCount
    }
}

/// The outbox's lag, for `/metrics`, `/ready` and `magistere outbox status`.
public struct OutboxStatus: Sendable, Equatable, Codable {
    /// Events written but not yet confirmed by the bus.
    public var pending: Int
    /// Events published and still kept (for audit, until pruned), the unroutable ones included.
    public var published: Int
    /// Of the kept published events, those the bus confirmed but no queue received (nobody subscribes to their type).
    public var unroutable: Int
    /// Seconds since the oldest pending event was written.
    public var oldestPendingAge: TimeInterval?
    /// Failed attempts to publish the oldest pending event.
    public var headAttempts: Int
    public var lastError: String?
}

extension Message {
    /// The message of a domain event: its CloudEvent as the body, routed by its type.
    ///
    /// `traceparent` defaults to a new span of the current trace (``TraceContext/current``).
    public static func event<E: DomainEvent>(
        _ event: E, id: String = UUID().uuidString.lowercased(), time: Date = Date(), traceparent: String? = nil
    ) throws -> Message {
        let time = Timestamp.truncated(time)
        let traceparent = traceparent ?? TraceContext.current?.child().traceparent
        let envelope = CloudEvent(id: id, time: time, traceparent: traceparent, event: event)
        var headers: [String: String] = [:]
        if let traceparent { headers[MessageHeader.traceparent] = traceparent }
        return Message(
            id: id, type: E.eventType.rawValue, source: E.producer.source, subject: event.subject, time: time,
            body: try EventCoding.encode(envelope), headers: headers)
    }
}
