import Contracts
import Foundation
import GRDB
import Synchronization

/// The one-process transport: a small durable bus in its own SQLite file.
///
/// It keeps the AMQP transport's contract: publishing returns once the messages are committed to
/// every bound queue; deliveries are at-least-once, settled after the handler; retries wait their
/// delay; parked messages stay until replayed. Because queues live in SQLite, a message published
/// before a crash is delivered after the restart, as a broker would.
public final class EmbeddedTransport: MessageTransport, DeadLetterAdministration {
    private let database: DatabasePool
    private let bindings = Mutex<[String: [TopicPattern]]>([:])
    /// Deliveries counted by the bus (crashes included) after which a message is parked.
    private let deliveryLimit: Int

    /// Opens (or creates) the bus file.
    public init(path: String, deliveryLimit: Int = 20) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        try PrivateFile.prepare(path)
        database = try DatabasePool(path: path, configuration: configuration)
        self.deliveryLimit = deliveryLimit
        var migrator = DatabaseMigrator()
        migrator.registerMigration("bus.v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE bus_binding (queue TEXT NOT NULL, pattern TEXT NOT NULL, PRIMARY KEY (queue, pattern));
                    CREATE TABLE bus_message (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        queue TEXT NOT NULL,
                        id TEXT NOT NULL, type TEXT NOT NULL, source TEXT NOT NULL, subject TEXT,
                        time DATETIME NOT NULL, body BLOB NOT NULL, headers TEXT NOT NULL,
                        attempt INTEGER NOT NULL DEFAULT 1,
                        deliveries INTEGER NOT NULL DEFAULT 0,
                        available_at DOUBLE NOT NULL,
                        parked_at DATETIME, reason TEXT
                    );
                    CREATE INDEX bus_message_ready ON bus_message (queue, parked_at, available_at, seq);
                    """)
        }
        // Queues are kept even with no binding (a subscriber's queue a replay is sent to): a restarted bus knows them.
        migrator.registerMigration("bus.v2.queues") { db in
            try db.execute(
                sql: """
                    CREATE TABLE bus_queue (queue TEXT NOT NULL PRIMARY KEY);
                    INSERT OR IGNORE INTO bus_queue (queue) SELECT DISTINCT queue FROM bus_binding;
                    INSERT OR IGNORE INTO bus_queue (queue) SELECT DISTINCT queue FROM bus_message;
                    """)
        }
        try migrator.migrate(database)
        let (queues, rows) = try database.read { db in
            (
                try String.fetchAll(db, sql: "SELECT queue FROM bus_queue"),
                try Row.fetchAll(db, sql: "SELECT queue, pattern FROM bus_binding")
            )
        }
        bindings.withLock { bindings in
            for queue in queues { bindings[queue] = [] }
            for row in rows { bindings[row["queue"], default: []].append(TopicPattern(row["pattern"])) }
        }
    }

    /// Commits each message to every bound queue; one bound nowhere is reported unroutable, as the
    /// broker returns a mandatory publish no queue takes.
    @discardableResult
    public func publish(_ messages: [Message]) async throws -> PublishReceipt {
        let routes = bindings.withLock { $0 }
        return try await database.write { db in
            let now = Date().timeIntervalSince1970
            var unroutable: [Int] = []
            for (index, message) in messages.enumerated() {
                var routed = false
                for (queue, patterns) in routes where patterns.contains(where: { $0.matches(message.type) }) {
                    try Self.insert(message, queue: queue, availableAt: now, in: db)
                    routed = true
                }
                if !routed { unroutable.append(index) }
            }
            return PublishReceipt(unroutable: unroutable)
        }
    }

    public func declare(_ subscription: Subscription) async throws {
        try await database.write { db in
            try db.execute(
                sql: "INSERT OR IGNORE INTO bus_queue (queue) VALUES (?)", arguments: [subscription.queue])
            for pattern in subscription.bindings {
                try db.execute(
                    sql: "INSERT OR IGNORE INTO bus_binding (queue, pattern) VALUES (?, ?)",
                    arguments: [subscription.queue, pattern])
            }
        }
        bindings.withLock { bindings in
            var patterns = bindings[subscription.queue, default: []]
            for pattern in subscription.bindings where !patterns.contains(TopicPattern(pattern)) {
                patterns.append(TopicPattern(pattern))
            }
            bindings[subscription.queue] = patterns
        }
    }

    /// A consumer takes up to its prefetch of ready messages in one transaction (its window): their deliveries
    /// are counted together, and their settlements written together once the window is handled.
    ///
    /// Leases are not checked: the embedded bus lives in one process, which runs one consumer per queue.
    public func consumeWindows(
        _ subscriptions: [Subscription], _ receive: @escaping @Sendable ([Delivery]) async -> [Settlement]
    ) async throws {
        precondition(!subscriptions.isEmpty, "nothing to consume")
        for subscription in subscriptions { try await declare(subscription) }
        let queues = subscriptions.map(\.queue)
        let limit = max(1, subscriptions[0].prefetch)
        var pause = Duration.milliseconds(1)
        while !Task.isCancelled {
            let window = try await take(queues: queues, limit: limit)
            guard !window.isEmpty else {
                try? await Task.sleep(for: pause)
                pause = min(pause * 2, .milliseconds(20))
                continue
            }
            pause = .milliseconds(1)
            // The window's settlements are stored together once it is handled (a crash before that redelivers
            // them: at least once, as a broker with unacknowledged deliveries).
            let decided = await receive(window.map(\.1))
            let settlements = zip(window, decided).map { (seq: $0.0, settlement: $1) }
            // Stored even when the consumer is being stopped, so that a graceful stop redelivers nothing handled.
            try await Task { try await self.settle(settlements) }.value
        }
    }

    /// Stores each message in its queue, in one transaction; a queue nobody declared is an error.
    public func send(_ items: [(queue: String, message: Message)]) async throws {
        guard !items.isEmpty else { return }
        let known = bindings.withLock { Set($0.keys) }
        if let unknown = items.first(where: { !known.contains($0.queue) }) {
            throw TransportError("no queue \(unknown.queue) to take the message")
        }
        try await database.write { db in
            let now = Date().timeIntervalSince1970
            for item in items { try Self.insert(item.message, queue: item.queue, availableAt: now, in: db) }
        }
    }

    /// Up to `limit` ready messages of the queues, oldest first, each counted as delivered; one over the delivery
    /// limit is parked instead.
    private func take(queues: [String], limit: Int) async throws -> [(Int64, Delivery)] {
        let deliveryLimit = deliveryLimit
        let placeholders = Array(repeating: "?", count: queues.count).joined(separator: ", ")
        return try await database.write { db -> [(Int64, Delivery)] in
            var arguments = StatementArguments(queues)
            arguments += [Date().timeIntervalSince1970, limit]
            let rows = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT * FROM bus_message WHERE queue IN (\(placeholders)) AND parked_at IS NULL
                        AND available_at <= ? ORDER BY seq LIMIT ?
                        """), arguments: arguments)
            var taken: [(Int64, Delivery)] = []
            for row in rows {
                let seq: Int64 = row["seq"]
                let deliveries: Int = row["deliveries"]
                if deliveries >= deliveryLimit {
                    try db.execute(
                        sql: "UPDATE bus_message SET parked_at = ?, reason = ? WHERE seq = ?",
                        arguments: [Date(), "delivery limit reached (the consumer kept failing)", seq])
                    continue
                }
                try db.cachedStatement(sql: "UPDATE bus_message SET deliveries = deliveries + 1 WHERE seq = ?")
                    .execute(arguments: [seq])
                taken.append(
                    (
                        seq,
                        Delivery(
                            message: try Self.message(row), attempt: row["attempt"], queue: row["queue"],
                            redelivered: deliveries > 0)
                    ))
            }
            return taken
        }
    }

    /// Stores what the consumer decided for each delivery of a window, in one transaction; a delivery it left
    /// without a settlement stays in the queue, counted as delivered (it comes back redelivered, as from a broker).
    private func settle(_ settlements: [(seq: Int64, settlement: Settlement)]) async throws {
        try await database.write { db in
            let now = Date()
            for (seq, settlement) in settlements {
                switch settlement {
                case .ack:
                    try db.cachedStatement(sql: "DELETE FROM bus_message WHERE seq = ?").execute(arguments: [seq])
                case .handBack:
                    continue  // left in the queue, counted as delivered: it comes back redelivered
                case .retry(let delay, let reason):
                    try db.execute(
                        sql: """
                            UPDATE bus_message SET attempt = attempt + 1, deliveries = 0, reason = ?, available_at = ?
                            WHERE seq = ?
                            """,
                        arguments: [reason, now.timeIntervalSince1970 + delay.seconds, seq])
                case .park(let reason):
                    try db.execute(
                        sql: "UPDATE bus_message SET parked_at = ?, reason = ? WHERE seq = ?",
                        arguments: [now, reason, seq])
                }
            }
        }
    }

    public func parkedMessages(queue: String, limit: Int) async throws -> [ParkedMessage] {
        try await database.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM bus_message WHERE queue = ? AND parked_at IS NOT NULL ORDER BY seq LIMIT ?",
                arguments: [queue, limit]
            ).map { row in
                var message = try Self.message(row)
                let reason: String = row["reason"] ?? "parked"
                message.headers[MessageHeader.reason] = reason
                return ParkedMessage(
                    message: message, reason: reason, parkedAt: row["parked_at"], attempts: row["attempt"])
            }
        }
    }

    public func replayParked(queue: String, limit: Int) async throws -> Int {
        try await database.write { db in
            try db.execute(
                sql: """
                    UPDATE bus_message SET parked_at = NULL, reason = NULL, attempt = 1, deliveries = 0, available_at = ?
                    WHERE seq IN (SELECT seq FROM bus_message WHERE queue = ? AND parked_at IS NOT NULL ORDER BY seq LIMIT ?)
                    """, arguments: [Date().timeIntervalSince1970, queue, limit])
            return db.changesCount
        }
    }

    public func checkConnection() async throws {
        _ = try await database.read { db in try Int.fetchOne(db, sql: "SELECT 1") }
    }

    /// Messages waiting in a queue (ready or delayed, not parked).
    public func depth(of queue: String) async throws -> Int {
        try await database.read { db in
            try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM bus_message WHERE queue = ? AND parked_at IS NULL", arguments: [queue])
                ?? 0
        }
    }

    private static func insert(_ message: Message, queue: String, availableAt: Double, in db: Database) throws {
        let headers = String(decoding: try JSONEncoder().encode(message.headers), as: UTF8.self)
        try db.execute(
            sql: """
                INSERT INTO bus_message (queue, id, type, source, subject, time, body, headers, available_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                queue, message.id, message.type, message.source, message.subject, message.time, message.body, headers,
                availableAt,
            ])
    }

    private static func message(_ row: Row) throws -> Message {
        let headersText: String = row["headers"]
        return Message(
            id: row["id"], type: row["type"], source: row["source"], subject: row["subject"], time: row["time"],
            body: row["body"], headers: try JSONDecoder().decode([String: String].self, from: Data(headersText.utf8)))
    }
}
