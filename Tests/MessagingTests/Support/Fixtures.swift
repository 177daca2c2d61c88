import Contracts
import Foundation
import GRDB
import Logging
import Messaging
import Synchronization
import Testing

/// A test event; `catalog` is its producer so that the source check has something to verify.
struct ThingHappened: DomainEvent {
    static let eventType: EventType = "catalog.thing.happened.v1"
    static let producer = ServiceName.catalog
    var thingID: String
    var number: Int
    var subject: String { thingID }
}

/// The transports under the contract suite.
enum TransportKind: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case amqp
    case embedded
    var testDescription: String { rawValue }
}

/// A transport isolated for one test: its own exchange (AMQP) or bus file (embedded), its own queue.
struct TransportFixture {
    let transport: any MessageTransport & DeadLetterAdministration
    let queue: String
    let directory: URL

    init(_ kind: TransportKind, endpoint: AMQPEndpoint? = nil) throws {
        directory = try TestEnvironment.temporaryDirectory()
        queue = "test.\(UUID().uuidString.prefix(8).lowercased())"
        switch kind {
        case .amqp:
            let endpoint = try endpoint ?? TestEnvironment.requireAMQP()
            transport = AMQPTransport(
                endpoint: endpoint, topology: AMQPTopology(exchange: "test.events.\(queue)"),
                confirmTimeout: .seconds(10),
                logger: TestEnvironment.logger)
        case .embedded:
            transport = try EmbeddedTransport(path: directory.appendingPathComponent("bus.sqlite").path)
        }
    }

    /// Messages ready in the fixture's queue (delivered but unacknowledged ones are not counted).
    func depth() async throws -> Int {
        switch transport {
        case let amqp as AMQPTransport: try await amqp.depth(of: queue)
        case let embedded as EmbeddedTransport: try await embedded.depth(of: queue)
        default: throw TransportError("no depth for \(type(of: transport))")
        }
    }

    /// Messages parked for the fixture's queue, counted without listing them (listing rotates an AMQP dead-letter
    /// queue: while parks arrive, it would interleave them).
    func parkedCount() async throws -> Int {
        switch transport {
        case let amqp as AMQPTransport: try await amqp.depth(of: Subscription.deadLetterQueue(of: queue))
        case let embedded as EmbeddedTransport: try await embedded.parkedMessages(queue: queue, limit: 1_000).count
        default: throw TransportError("no parked count for \(type(of: transport))")
        }
    }

    /// An AMQP fixture, its transport, and a subscription of its queue to ``ThingHappened`` with the fast retry
    /// policy: the set-up of the tests that drive the broker into failures.
    static func amqpThings() throws -> (TransportFixture, AMQPTransport, Subscription) {
        let fixture = try TransportFixture(.amqp)
        let transport = try #require(fixture.transport as? AMQPTransport)
        let subscription = Subscription(
            queue: fixture.queue, bindings: [ThingHappened.eventType.rawValue], retry: TransportContractTests.fast)
        return (fixture, transport, subscription)
    }

    /// Wraps an event into a bus message, the way the outbox does.
    static func message<E: DomainEvent>(
        _ event: E, id: String = UUID().uuidString, source: String? = nil, time: Date = Date()
    ) throws -> Message {
        var envelope = CloudEvent(
            id: id, time: Timestamp.truncated(time),
            traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", event: event)
        if let source { envelope.source = source }
        return Message(
            id: id, type: E.eventType.rawValue, source: envelope.source, subject: event.subject, time: envelope.time,
            body: try EventCoding.encode(envelope), headers: ["traceparent": envelope.traceparent!])
    }
}

/// A consumer's store: the inbox and an effect table whose primary key makes a double effect an error.
struct EffectStore: Sendable {
    let database: DatabasePool

    init(path: String) throws {
        database = try DatabasePool(path: path)
        var migrator = DatabaseMigrator()
        MessagingMigrations.register(in: &migrator)
        migrator.registerMigration("effects") { db in
            try db.execute(sql: "CREATE TABLE effect (message_id TEXT PRIMARY KEY, number INTEGER NOT NULL)")
        }
        try migrator.migrate(database)
    }

    /// Applies a delivery once: returns false for a duplicate (already in the inbox).
    @discardableResult
    func apply(_ delivery: Delivery, number: Int) async throws -> Bool {
        try await database.write { db in
            guard try Inbox.claim(delivery.message.id, consumer: "test", in: db) else { return false }
            try db.execute(
                sql: "INSERT INTO effect (message_id, number) VALUES (?, ?)", arguments: [delivery.message.id, number])
            return true
        }
    }

    func count() async throws -> Int {
        try await database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM effect") ?? 0 }
    }

    func numbers() async throws -> [Int] {
        try await database.read { db in try Int.fetchAll(db, sql: "SELECT number FROM effect ORDER BY rowid") }
    }
}

/// Runs `consume` in a child task for the duration of `body`, then cancels it.
func whileConsuming(
    _ transport: any MessageTransport, _ subscription: Subscription,
    _ receive: @escaping @Sendable (Delivery) async -> Settlement, _ body: () async throws -> Void
) async throws {
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await transport.consume(subscription, receive) }
        try await body()
        group.cancelAll()
    }
}
