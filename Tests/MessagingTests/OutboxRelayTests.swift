import Contracts
import Foundation
import GRDB
import Messaging
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

    @Test("an event no queue receives is counted, logged and recorded as unroutable, and does not hold back the outbox",
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
        let relay = OutboxRelay(
            database: database, transport: fixture.transport, service: "test", batchSize: 1, logger: logs.logger)

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

        let seen = Recorder<String>()
        try await whileConsuming(fixture.transport, subscription, { seen.append($0.message.id); return .ack }) {
            try await expectEventually { seen.count >= 1 }
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(seen.all == [routable.id])
    }
}
