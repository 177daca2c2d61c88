import Contracts
import Foundation
import GRDB
import Messaging
import MetricsTestKit
import TestSupport
import Testing

/// The relay's bookkeeping: what it does with events nobody receives, and how it keeps its tables small.
@Suite("Outbox relay")
struct OutboxRelayTests {
    static func store(_ directory: URL) throws -> DatabasePool {
        let database = try DatabasePool(path: directory.appendingPathComponent("producer.sqlite").path)
        var migrator = DatabaseMigrator()
        MessagingMigrations.register(in: &migrator)
        try migrator.migrate(database)
        return database
    }

    @Test(
        "an event no queue receives is counted, logged and recorded as unroutable, and does not hold back the outbox",
        arguments: TransportKind.allCases)
    func unroutableEvent(kind: TransportKind) async throws {
        // Given a consumer bound to one type, and an outbox holding an event of a type nobody binds
        // (like `tracking.activity.completed.v1` while no service subscribes to it), then a bound one
        let fixture = try TransportFixture(kind)
        let database = try Self.store(fixture.directory)
        let subscription = Subscription(
            queue: fixture.queue, bindings: [ThingHappened.eventType.rawValue], retry: TransportContractTests.fast)
        try await fixture.transport.declare(subscription)
        var unbound = try TransportFixture.message(ThingHappened(thingID: "n", number: 1))
        unbound.type = "catalog.thing.vanished.v1"
        let nobodys = unbound
        let routable = try TransportFixture.message(ThingHappened(thingID: "n", number: 2))
        try await database.write { db in
            try Outbox.append(nobodys, in: db)
            try Outbox.append(routable, in: db)
        }
        let logs = LogCollector()
        let metrics = TestMetrics()
        let relay = OutboxRelay(
            database: database, transport: fixture.transport, service: "test", batchSize: 1, metrics: metrics,
            logger: logs.logger)

        // When the relay publishes, one row at a time
        #expect(try await relay.publishBatch() == 1)
        #expect(try await relay.publishBatch() == 1)

        // Then both rows are done: the first recorded as unroutable, the second plainly published
        let status = try await database.read { db in try Outbox.status(in: db) }
        #expect(status.pending == 0)
        #expect(status.published == 2)
        #expect(status.unroutable == 1)
        let marked = try await database.read { db in
            try String.fetchAll(db, sql: "SELECT id FROM magistere_outbox WHERE unroutable ORDER BY seq")
        }
        #expect(marked == [nobodys.id])
        let warning = try #require(logs.all.first { $0.message.contains("no queue receives it") })
        #expect(warning.level == .warning)
        #expect(warning.metadata["event.id"] == nobodys.id)
        #expect(warning.metadata["event.type"] == "catalog.thing.vanished.v1")
        #expect(!logs.all.contains { $0.metadata["event.id"] == routable.id })
        let unroutableCount = try metrics.expectCounter(
            "magistere_outbox_unroutable_total", [("service", "test"), ("type", "catalog.thing.vanished.v1")])
        #expect(unroutableCount.totalValue == 1)
        #expect(try metrics.expectCounter("magistere_outbox_published_total", [("service", "test")]).totalValue == 1)

        let seen = Recorder<String>()
        try await whileConsuming(
            fixture.transport, subscription,
            {
                seen.append($0.message.id)
                return .ack
            }
        ) {
            try await expectEventually { seen.count >= 1 }
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(seen.all == [routable.id])
    }

    @Test(
        "old published outbox rows and inbox rows are pruned on a timer in bounded batches, while the outbox never empties"
    )
    func pruningWhileBusy() async throws {
        // Given a store with rows past the retention (published 10 days ago, received 10 days ago),
        // recent ones, and an event that can never be published: no broker listens where the relay
        // publishes, so the relay never once finds its outbox empty
        let directory = try TestEnvironment.temporaryDirectory()
        let database = try Self.store(directory)
        let day: TimeInterval = 24 * 3600
        let now = Date()
        try await database.write { db in
            for number in 0..<7 {
                let old = number < 5
                var message = try TransportFixture.message(ThingHappened(thingID: "old", number: number))
                message.id = "published-\(number)"
                try Outbox.append(message, in: db)
                try db.execute(
                    sql: "UPDATE magistere_outbox SET published_at = ? WHERE id = ?",
                    arguments: [now.addingTimeInterval(old ? -10 * day : -3600), message.id])
                try db.execute(
                    sql: "INSERT INTO magistere_inbox (consumer, message_id, received_at) VALUES ('test', ?, ?)",
                    arguments: ["received-\(number)", now.addingTimeInterval(old ? -10 * day : -3600)])
            }
            var stuck = try TransportFixture.message(ThingHappened(thingID: "stuck", number: 99))
            stuck.id = "pending"
            try Outbox.append(stuck, in: db)
            try db.execute(
                sql: "UPDATE magistere_outbox SET created_at = ? WHERE id = 'pending'",
                arguments: [now.addingTimeInterval(-10 * day)])
        }
        let unreachable = AMQPTransport(
            endpoint: try AMQPEndpoint(url: "amqp://guest:guest@127.0.0.1:1/"), confirmTimeout: .seconds(1),
            logger: TestEnvironment.logger)
        defer { unreachable.close() }
        let relay = OutboxRelay(
            database: database, transport: unreachable, service: "test", pollInterval: .milliseconds(10),
            drainTimeout: .milliseconds(100), retention: day, pruneInterval: .milliseconds(50), pruneBatchSize: 2,
            logger: TestEnvironment.logger)

        func ids(_ sql: String) async throws -> [String] {
            try await database.read { db in try String.fetchAll(db, sql: sql) }
        }

        // When the relay runs (failing to publish, backing off, trying again)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await relay.run() }
            // Then the old rows go, in batches of 2, while the event stays pending (a generous deadline: the whole
            // suite runs beside it on two cores, and fixtures that open many stores hold the cooperative pool)
            try await expectEventually("old outbox rows pruned", timeout: .seconds(60)) {
                try await ids("SELECT id FROM magistere_outbox WHERE published_at IS NOT NULL ORDER BY id")
                    == ["published-5", "published-6"]
            }
            try await expectEventually("old inbox rows pruned", timeout: .seconds(60)) {
                try await ids("SELECT message_id FROM magistere_inbox ORDER BY message_id") == [
                    "received-5", "received-6",
                ]
            }
            #expect(try await database.read { db in try Outbox.status(in: db) }.pending == 1)
            group.cancelAll()
        }
        #expect(try await ids("SELECT id FROM magistere_outbox WHERE published_at IS NULL") == ["pending"])

        // And a prune with a cutoff past every row leaves pending rows alone, whatever their age
        let late = try await relay.prune(now: now.addingTimeInterval(30 * day))
        #expect(late.outbox == 2)
        #expect(late.inbox == 2)
        #expect(try await ids("SELECT id FROM magistere_outbox") == ["pending"])
    }
}
