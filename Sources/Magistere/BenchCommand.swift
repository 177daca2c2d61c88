import ArgumentParser
import Contracts
import Foundation
import GRDB
import Logging
import Messaging
import ServiceSupport

/// `magistere dev bench-bus`: measures the messaging path on the real broker (or the embedded bus).
///
/// Three figures from one run, so that their ratios mean something on a noisy shared machine:
/// outbox → broker with a confirm window (the relay's batch), the same with one confirm at a time,
/// and broker → consumer with the inbox transaction per message.
struct BenchBusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-bus",
        abstract: "Benchmark outbox publishing and inbox consuming (writes BENCHMARKS figures).")
    @OptionGroup var broker: BrokerOptions
    @Option(help: "Events per measurement.") var count = 20_000
    @Option(help: "amqp or embedded.") var transport = "amqp"

    func run() async throws {
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "magistere-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let exchange = "bench.events.\(UUID().uuidString.prefix(8))"
        let bus: any MessageTransport
        switch transport {
        case "amqp":
            bus = AMQPTransport(
                endpoint: try broker.endpoint(), topology: AMQPTopology(exchange: exchange), logger: logger)
        case "embedded":
            bus = try EmbeddedTransport(path: directory.appendingPathComponent("bus.sqlite").path)
        default:
            throw ValidationError("transport must be amqp or embedded")
        }
        let queue = "bench.\(UUID().uuidString.prefix(8).lowercased())"
        try await bus.declare(Subscription(queue: queue, bindings: [CourseArchived.eventType.rawValue]))

        let confirmWindow = try await publishThroughOutbox(
            bus, batch: 500, count: count, directory: directory, logger: logger)
        let single = try await publishThroughOutbox(
            bus, batch: 1, count: min(count, 3_000), directory: directory, logger: logger)
        // Half the events consumed one at a time, one transaction each; the other half as services consume:
        // by windows, through an EventConsumer, the window's inbox claims coalesced by group commit.
        let total = count + min(count, 3_000)
        let (consumed, taken) = try await consume(
            bus, queue: queue, count: total / 2, directory: directory, logger: logger)
        let windowed = try await consumeAsServicesDo(
            bus, queue: queue, count: total - taken, directory: directory, logger: logger)
        print("transport: \(transport), events: \(count)")
        print(String(format: "outbox → bus, confirm window 500: %8.0f events/s", confirmWindow))
        print(String(format: "outbox → bus, one confirm at a time: %8.0f events/s", single))
        print(String(format: "bus → consumer, one inbox commit per event: %8.0f events/s", consumed))
        print(String(format: "bus → EventConsumer windows, group commit:  %8.0f events/s", windowed))
        print(String(format: "window / one-at-a-time ratio: %.1f×", confirmWindow / single))
    }

    private func publishThroughOutbox(
        _ bus: any MessageTransport, batch: Int, count: Int, directory: URL, logger: Logger
    ) async throws -> Double {
        let database = try messagingStore(directory, "outbox-\(batch).sqlite")
        try await database.write { db in
            for index in 0..<count {
                try Outbox.append(CourseArchived(courseID: "bench-\(index)", archivedAt: Date(), reason: nil), in: db)
            }
        }
        let relay = OutboxRelay(database: database, transport: bus, service: "bench", batchSize: batch, logger: logger)
        let start = ContinuousClock.now
        var published = 0
        while published < count { published += try await relay.publishBatch() }
        return Double(count) / (ContinuousClock.now - start).secondsDouble
    }

    private func consume(
        _ bus: any MessageTransport, queue: String, count: Int, directory: URL, logger: Logger
    )
        async throws -> (eventsPerSecond: Double, taken: Int)
    {
        let database = try messagingStore(directory, "inbox.sqlite")
        let subscription = Subscription(queue: queue, bindings: [CourseArchived.eventType.rawValue], prefetch: 256)
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await bus.consume(subscription) { delivery in
                    do {
                        _ = try await database.write { db in
                            try Inbox.claim(delivery.message.id, consumer: "bench", in: db)
                        }
                        return .ack
                    } catch {
                        return .handBack  // not recorded (the consumer is stopping): delivered again
                    }
                }
            }
            while try await database.read({ db in try Inbox.count(consumer: "bench", in: db) }) < count {
                try await Task.sleep(for: .milliseconds(20))
            }
            group.cancelAll()
        }
        let rate = Double(count) / (ContinuousClock.now - start).secondsDouble
        // The consumer may have taken a few more than `count` before it stopped.
        return (rate, try await database.read { db in try Inbox.count(consumer: "bench", in: db) })
    }
}

extension BenchBusCommand {
    /// Consumes `count` events through an ``EventConsumer`` whose handler claims each in the inbox through a
    /// ``GroupCommit``, as the services' stores do.
    private func consumeAsServicesDo(
        _ bus: any MessageTransport, queue: String, count: Int, directory: URL, logger: Logger
    ) async throws -> Double {
        let database = try messagingStore(directory, "inbox-windows.sqlite")
        let commits = GroupCommit(database)
        var routes = EventRoutes()
        routes.on(CourseArchived.self) { envelope, _ in
            _ = try await commits.write { db in try Inbox.claim(envelope.id, consumer: "bench", in: db) }
        }
        let consumer = EventConsumer(transport: bus, queue: queue, routes: routes, prefetch: 256, logger: logger)
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await consumer.run() }
            while try await database.read({ db in try Inbox.count(consumer: "bench", in: db) }) < count {
                try await Task.sleep(for: .milliseconds(20))
            }
            group.cancelAll()
        }
        return Double(count) / (ContinuousClock.now - start).secondsDouble
    }
}

/// A store holding the outbox and inbox tables, as the services' stores do.
private func messagingStore(_ directory: URL, _ name: String) throws -> DatabasePool {
    let database = try DatabasePool(path: directory.appendingPathComponent(name).path)
    var migrator = DatabaseMigrator()
    MessagingMigrations.register(in: &migrator)
    try migrator.migrate(database)
    return database
}

extension Duration {
    var secondsDouble: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
