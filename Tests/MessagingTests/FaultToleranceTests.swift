import Contracts
import Foundation
import GRDB
import Logging
import Messaging
import Testing

/// Faults on a real broker: the fault node is restarted, its connections dropped, and consumers
/// killed with SIGKILL while events flow. Every test counts: each event's effect exactly once,
/// nothing left in the outbox.
@Suite("Messaging under faults (AMQP)", .serialized)
struct FaultToleranceTests {
    static func faultEndpoint() throws -> AMQPEndpoint {
        let url = try #require(
            TestEnvironment.faultAMQPURL, "MAGISTERE_TEST_FAULT_AMQP_URL is not set: run the tests with scripts/test")
        return try AMQPEndpoint(url: url)
    }

    static func faultNode() throws -> String {
        try #require(TestEnvironment.faultNode, "MAGISTERE_TEST_FAULT_NODE is not set: run the tests with scripts/test")
    }

    /// A producer store whose writes put events in the outbox, and a relay publishing them.
    struct Producer {
        let database: DatabasePool
        let relay: OutboxRelay

        init(path: String, transport: any MessageTransport) throws {
            database = try DatabasePool(path: path)
            var migrator = DatabaseMigrator()
            MessagingMigrations.register(in: &migrator)
            try migrator.migrate(database)
            relay = OutboxRelay(
                database: database, transport: transport, service: "test", batchSize: 250,
                pollInterval: .milliseconds(20), logger: TestEnvironment.logger)
        }

        func write(numbers: Range<Int>) async throws {
            try await database.write { db in
                for number in numbers {
                    try Outbox.append(ThingHappened(thingID: "f", number: number), in: db)
                }
            }
        }

        func pending() async throws -> Int {
            try await database.read { db in try Outbox.status(in: db).pending }
        }
    }

    /// Writes `total` events through an outbox in batches of 100 while a relay publishes them and a
    /// consumer applies them through its inbox; `fault` runs (as a child task) when the batch starting
    /// at a number it names is written. Returns once every effect is applied and the outbox is empty.
    /// Numbers for which `failsFirst` holds fail their first attempt: they go through a delay queue.
    static func flow(
        total: Int, on endpoint: AMQPEndpoint? = nil, faults: [Int: @Sendable () async throws -> Void],
        failsFirst: @escaping @Sendable (Int) -> Bool = { _ in false }, timeout: Duration
    ) async throws {
        let fixture = try TransportFixture(.amqp, endpoint: try endpoint ?? faultEndpoint())
        let producer = try Producer(
            path: fixture.directory.appendingPathComponent("producer.sqlite").path, transport: fixture.transport)
        let store = try EffectStore(path: fixture.directory.appendingPathComponent("consumer.sqlite").path)
        var routes = EventRoutes()
        routes.on(ThingHappened.self) { envelope, delivery in
            if delivery.attempt == 1, failsFirst(envelope.data.number) {
                throw TransportError("first attempt of \(envelope.data.number) fails")
            }
            try await store.apply(delivery, number: envelope.data.number)
        }
        let consumer = EventConsumer(
            transport: fixture.transport, queue: fixture.queue, routes: routes,
            retry: RetryPolicy(delays: [.milliseconds(100)], maxAttempts: 50), logger: TestEnvironment.logger)
        try await fixture.transport.declare(consumer.subscription)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await producer.relay.run() }
            group.addTask { try await consumer.run() }
            // Writes go on while the broker is away: they never depend on it.
            for start in stride(from: 0, to: total, by: 100) {
                try await producer.write(numbers: start..<(start + 100))
                if let fault = faults[start] {
                    try await expectEventually { try await store.count() >= start / 3 }
                    group.addTask { try await fault() }
                }
                try await Task.sleep(for: .milliseconds(5))
            }
            try await expectEventually("all effects applied", timeout: timeout) { try await store.count() == total }
            try await expectEventually { try await producer.pending() == 0 }
            group.cancelAll()
        }
        #expect(try await store.count() == total)
        #expect(Set(try await store.numbers()) == Set(0..<total))
        #expect(try await producer.pending() == 0)
    }

    @Test("10,000 events flow outbox → broker → inbox across a broker restart: each applied once, none left behind")
    func brokerRestart() async throws {
        let node = try Self.faultNode()
        try await Self.flow(
            total: 10_000, faults: [3_000: { try await controlNode("restart", node) }], timeout: .seconds(240))
    }

    @Test(
        "a service given two broker nodes moves to the other when its node is killed: consuming and publishing go on"
    )
    func nodeKilled() async throws {
        // Given a transport whose URL names the fault node first, then the test node (two nodes of a cluster)
        let node = try Self.faultNode()
        let fault = try Self.faultEndpoint()
        var endpoint = fault
        endpoint.nodes = fault.nodes + (try TestEnvironment.requireAMQP()).nodes
        let fixture = try TransportFixture(.amqp, endpoint: endpoint)
        let subscription = Subscription(
            queue: fixture.queue, bindings: [ThingHappened.eventType.rawValue], retry: TransportContractTests.fast)
        try await fixture.transport.declare(subscription)
        let before = try (0..<20).map { try TransportFixture.message(ThingHappened(thingID: "k", number: $0)) }
        let after = try (20..<40).map { try TransportFixture.message(ThingHappened(thingID: "k", number: $0)) }

        let seen = Recorder<String>()
        var outcome: Result<Void, any Error> = .success(())
        do {
            try await whileConsuming(
                fixture.transport, subscription,
                {
                    seen.append($0.message.id)
                    return .ack
                }
            ) {
                try await fixture.transport.publish(before)
                try await expectEventually { seen.count == before.count }

                // When the node it is connected to is killed
                try await controlNode("kill", node)

                // Then the connections move to the other node: the first command on a connection to the dead node
                // fails, the next goes through the other node (declaring the queue there, as a cluster has it
                // everywhere: these two test nodes are not clustered)
                try await expectEventually("declared through the other node", timeout: .seconds(30)) {
                    (try? await fixture.transport.declare(subscription)) != nil
                }
                try await expectEventually("published through the other node", timeout: .seconds(30)) {
                    (try? await fixture.transport.publish(after)) != nil
                }
                // And the consumer, attached there, receives what was published
                try await expectEventually { Set(seen.all).isSuperset(of: after.map(\.id)) }
                #expect(fixture.transport.isAttached(toQueue: fixture.queue))
            }
        } catch {
            outcome = .failure(error)
        }
        try await controlNode("start", node, String(fault.port))
        try outcome.get()
        #expect(Array(seen.all.prefix(before.count)) == before.map(\.id))
        #expect(Set(seen.all) == Set((before + after).map(\.id)), "nothing lost")
    }

    /// The test cluster's URL (every node) and its nodes' names and AMQP ports, first the one connections try first.
    static func cluster() throws -> (endpoint: AMQPEndpoint, nodes: [(name: String, port: Int)]) {
        let url = try #require(
            TestEnvironment.clusterAMQPURL,
            "MAGISTERE_TEST_CLUSTER_AMQP_URL is not set: run the tests with scripts/test")
        let names = try #require(TestEnvironment.clusterNodes, "MAGISTERE_TEST_CLUSTER_NODES is not set")
            .split(separator: ",").map(String.init)
        let endpoint = try AMQPEndpoint(url: url)
        try #require(
            names.count == endpoint.nodes.count && names.count >= 3, "a cluster of three nodes, named in URL order")
        return (endpoint, zip(names, endpoint.nodes).map { ($0, $1.port) })
    }

    @Test(
        "on a three-node cluster, the node every connection uses is killed mid-stream: they move to another node, and every effect (retries included) is applied once"
    )
    func clusterNodeKilled() async throws {
        // Given a cluster of three nodes, the relay and the consumer connected to the first, and its queues
        // (main, delay, dead-letter: all quorum) declared while the three are up
        let (endpoint, nodes) = try Self.cluster()
        let first = nodes[0]
        var outcome: Result<Void, any Error> = .success(())
        do {
            // When that node is killed with SIGKILL in the middle of 6,000 events, one in 40 of which fails its
            // first attempt and waits in a delay queue
            try await Self.flow(
                total: 6_000, on: endpoint, faults: [2_000: { try await controlNode("kill", first.name) }],
                failsFirst: { $0 % 40 == 7 }, timeout: .seconds(240))
            // Then (checked by flow) every event's effect is applied exactly once and the outbox is empty
        } catch {
            outcome = .failure(error)
        }
        // The node comes back into its cluster (its data directory remembers it) for the next run
        try await controlNode("start", first.name, String(first.port))
        try outcome.get()
    }

    @Test("a consumer process killed with SIGKILL mid-stream resumes after restart: every effect once")
    func consumerKilled() async throws {
        let endpoint = try Self.faultEndpoint()
        let url = try #require(TestEnvironment.faultAMQPURL)
        let fixture = try TransportFixture(.amqp, endpoint: endpoint)
        let exchange = "test.events.\(fixture.queue)"
        let probe = builtProductsDirectory.appendingPathComponent("MessagingProbe").path
        try #require(FileManager.default.fileExists(atPath: probe), "build the probe first: swift build --build-tests")
        let storePath = fixture.directory.appendingPathComponent("probe.sqlite").path
        let total = 5_000
        try await fixture.transport.declare(
            Subscription(queue: fixture.queue, bindings: [ThingHappened.eventType.rawValue]))
        for start in stride(from: 0, to: total, by: 500) {
            try await fixture.transport.publish(
                try (start..<(start + 500)).map {
                    try TransportFixture.message(ThingHappened(thingID: "k", number: $0))
                })
        }

        // The probe writes its store while the test reads it: wait on locks, and count a busy read as "not yet".
        func effects() -> Int {
            guard FileManager.default.fileExists(atPath: storePath) else { return 0 }
            var configuration = Configuration()
            configuration.busyMode = .timeout(5)
            let count = try? DatabaseQueue(path: storePath, configuration: configuration).read { db in
                try db.tableExists("effect") ? Int.fetchOne(db, sql: "SELECT COUNT(*) FROM effect") ?? 0 : 0
            }
            return count ?? 0
        }

        let first = Process()
        first.executableURL = URL(fileURLWithPath: probe)
        first.arguments = [url, exchange, fixture.queue, storePath]
        first.standardOutput = FileHandle.nullDevice
        try first.run()
        // Whatever happens, no probe outlives the test (an orphan would hold the test runner's output open).
        defer { if first.isRunning { kill(first.processIdentifier, SIGKILL) } }
        try await expectEventually(timeout: .seconds(60)) { effects() >= 1_000 }
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        let atKill = effects()
        #expect(atKill < total, "the kill must land mid-stream")

        let second = Process()
        second.executableURL = URL(fileURLWithPath: probe)
        second.arguments = [url, exchange, fixture.queue, storePath]
        second.standardOutput = FileHandle.nullDevice
        try second.run()
        defer { if second.isRunning { kill(second.processIdentifier, SIGKILL) } }
        try await expectEventually(timeout: .seconds(120)) { effects() == total }
        try await Task.sleep(for: .milliseconds(500))
        second.terminate()
        second.waitUntilExit()
        let queue = try DatabaseQueue(path: storePath)
        let numbers = try await queue.read { db in try Int.fetchAll(db, sql: "SELECT number FROM effect") }
        #expect(numbers.count == total)
        #expect(Set(numbers) == Set(0..<total))
    }

    @Test("dropped connections are reopened by publisher and consumer; nothing is lost or applied twice")
    func droppedConnections() async throws {
        let node = try Self.faultNode()
        let drop: @Sendable () async throws -> Void = {
            try await controlNode("ctl", node, "close_all_connections", "fault test")
        }
        try await Self.flow(total: 3_000, faults: [500: drop, 1_500: drop, 2_500: drop], timeout: .seconds(120))
    }
}
