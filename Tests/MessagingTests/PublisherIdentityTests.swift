import Contracts
import Foundation
import Messaging
import Synchronization
import TestSupport
import Testing

/// Who really published an event (AMQP `user_id`, vouched for by RabbitMQ), and whether a consumer is really
/// attached to its queue — against the real test broker, with real broker users made for the test.
@Suite("Publisher identity and consumer attachment (AMQP)", .serialized)
struct PublisherIdentityTests {
    /// Broker users `<tag>-catalog`, `<tag>-enrolment`, `<tag>-tracking` on the test node, deleted afterwards.
    struct Users {
        let tag = "pi\(UUID().uuidString.prefix(6).lowercased())"
        let base: AMQPEndpoint

        init() throws {
            base = try TestEnvironment.requireAMQP()
            for service in ServiceName.allCases {
                try Self.ctl("add_user", name(service), "pw-\(tag)")
                try Self.ctl("set_permissions", "-p", base.vhost, name(service), ".*", ".*", ".*")
            }
        }

        func name(_ service: ServiceName) -> String { "\(tag)-\(service.rawValue)" }

        func endpoint(_ service: ServiceName) -> AMQPEndpoint {
            var endpoint = base
            endpoint.user = name(service)
            endpoint.password = "pw-\(tag)"
            return endpoint
        }

        func delete() {
            for service in ServiceName.allCases { try? Self.ctl("delete_user", name(service)) }
        }

        static func ctl(_ arguments: String...) throws {
            let control = try #require(
                TestEnvironment.nodeControl, "MAGISTERE_TEST_NODE_CTL is not set: run scripts/test")
            let node = try #require(ProcessInfo.processInfo.environment["MAGISTERE_TEST_NODE"])
            let process = Process()
            process.executableURL = URL(fileURLWithPath: control)
            process.arguments = ["ctl", node] + arguments
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            try #require(process.terminationStatus == 0, "rabbitmqctl \(arguments.joined(separator: " ")) failed")
        }
    }

    @Test(
        "an event type is applied only when its producer's broker user published it, also after a retry; another service's user is parked"
    )
    func onlyTheProducersUser() async throws {
        let users = try Users()
        defer { users.delete() }
        let exchange = "test.identity.\(users.tag)"
        let queue = "test.identity.\(users.tag).events"
        // Given enrolment's consumer (its user implies catalog's by convention), failing each event's first attempt
        let consumerTransport = AMQPTransport(
            endpoint: users.endpoint(.enrolment), topology: AMQPTopology(exchange: exchange),
            confirmTimeout: .seconds(10),
            logger: TestEnvironment.logger)
        defer { consumerTransport.close() }
        #expect(consumerTransport.expectedPublisher(of: .catalog) == users.name(.catalog))
        let applied = Recorder<String>()
        let attempts = Mutex<[String: Int]>([:])
        var routes = EventRoutes()
        routes.on(CourseArchived.self) { envelope, delivery in
            let attempt = attempts.withLock { seen -> Int in
                seen[envelope.id, default: 0] += 1
                return seen[envelope.id]!
            }
            if attempt == 1 { throw TransportError("first attempt fails, to go through a retry") }
            applied.append(envelope.id)
        }
        let consumer = EventConsumer(
            transport: consumerTransport, queue: queue, routes: routes,
            retry: RetryPolicy(delays: [.milliseconds(100)], maxAttempts: 3), logger: TestEnvironment.logger)
        try await consumerTransport.declare(consumer.subscription)

        // When catalog's user and tracking's user each publish a CourseArchived
        let genuine = try TransportFixture.message(CourseArchived(courseID: "crs-1", archivedAt: Date()))
        let forged = try TransportFixture.message(CourseArchived(courseID: "crs-2", archivedAt: Date()))
        let catalog = AMQPTransport(
            endpoint: users.endpoint(.catalog), topology: AMQPTopology(exchange: exchange),
            logger: TestEnvironment.logger)
        let tracking = AMQPTransport(
            endpoint: users.endpoint(.tracking), topology: AMQPTopology(exchange: exchange),
            logger: TestEnvironment.logger)
        defer {
            catalog.close()
            tracking.close()
        }
        try await catalog.publish([genuine])
        try await tracking.publish([forged])

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await consumer.run() }
            // Then the genuine one is applied on its second attempt (the retry, republished under enrolment's own
            // user, still counts as catalog's) and the forged one is parked, naming the user
            let done = try await eventually(timeout: .seconds(15)) {
                let parked = (try? await consumerTransport.parkedMessages(queue: queue, limit: 10))?.count ?? 0
                return applied.count == 1 && parked == 1
            }
            group.cancelAll()
            #expect(done)
        }
        #expect(applied.all == [genuine.id])
        let parked = try await consumerTransport.parkedMessages(queue: queue, limit: 10)
        #expect(parked.map(\.message.id) == [forged.id])
        #expect(parked.first?.reason.contains(users.name(.tracking)) == true)
        #expect(parked.first?.message.publishedBy == users.name(.tracking))
    }

    @Test("a consumer whose broker cannot be reached is not ready, though its task runs; attached, it is")
    func readinessFollowsTheConnection() async throws {
        var unreachable = try TestEnvironment.requireAMQP()
        unreachable.port = 1
        let down = AMQPTransport(endpoint: unreachable, logger: TestEnvironment.logger)
        let up = AMQPTransport(endpoint: try TestEnvironment.requireAMQP(), logger: TestEnvironment.logger)
        defer {
            down.close()
            up.close()
        }
        let queue = "test.ready.\(UUID().uuidString.prefix(8).lowercased())"
        var routes = EventRoutes()
        routes.on(CourseArchived.self) { _, _ in }
        let stranded = EventConsumer(transport: down, queue: queue, routes: routes, logger: TestEnvironment.logger)
        let attached = EventConsumer(transport: up, queue: queue, routes: routes, logger: TestEnvironment.logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await stranded.run() }
            group.addTask { try await attached.run() }
            #expect(try await eventually(timeout: .seconds(10)) { attached.isRunning })
            try await Task.sleep(for: .milliseconds(500))
            #expect(!stranded.isRunning, "its connection keeps failing: not ready")
            group.cancelAll()
        }
    }
}
