import Contracts
import Foundation
import Logging
import Synchronization

/// The RabbitMQ transport: AMQP 0-9-1 through rabbitmq-c, one owner thread per connection.
///
/// One connection publishes (with confirms) and runs operator commands; each consumed queue has a
/// connection of its own. Both reconnect by themselves with backoff.
public final class AMQPTransport: MessageTransport {
    public let endpoint: AMQPEndpoint
    public let topology: AMQPTopology
    private let logger: Logger
    private let commands: AMQPWorker
    /// How long a publish waits for the broker's confirms before it fails (and is retried by the caller).
    private let confirmTimeout: Duration
    /// The consuming connections, by queue: readiness asks them whether they are attached now.
    private let consumers = Mutex<[String: AMQPConsumerThread]>([:])

    /// The broker user of each producing service: its event types are accepted from that user only.
    public let producerUsers: [ServiceName: String]

    public init(
        endpoint: AMQPEndpoint, topology: AMQPTopology = AMQPTopology(), confirmTimeout: Duration = .seconds(30),
        producerUsers: [ServiceName: String]? = nil, logger: Logger
    ) {
        self.endpoint = endpoint
        self.producerUsers = producerUsers ?? Self.conventionalProducerUsers(forUser: endpoint.user)
        self.topology = topology
        self.logger = logger
        self.confirmTimeout = confirmTimeout
        self.commands = AMQPWorker(endpoint: endpoint, name: "amqp-publish") { session in
            try session.declareExchange(topology.exchange, type: "topic")
        }
    }

    deinit { commands.stop() }

    /// Closes the publishing connection; jobs still queued fail.
    public func close() { commands.stop() }

    public func publish(_ messages: [Message]) async throws {
        guard !messages.isEmpty else { return }
        let exchange = topology.exchange
        let timeout = confirmTimeout
        try await commands.run { session in
            try session.publishConfirmed(messages.map { (exchange, $0.type, $0) }, timeout: timeout)
        }
    }

    /// Publishes straight to one queue through the default exchange (retries, parking, replays).
    func send(_ message: Message, toQueue queue: String) async throws {
        let timeout = confirmTimeout
        try await commands.run { session in
            try session.publishConfirmed([("", queue, message)], timeout: timeout)
        }
    }

    public func declare(_ subscription: Subscription) async throws {
        let topology = topology
        try await commands.run { session in try topology.declare(subscription, on: session) }
    }

    public func consume(
        _ subscription: Subscription, _ receive: @escaping @Sendable (Delivery) async -> Settlement
    ) async throws {
        let thread = AMQPConsumerThread(
            endpoint: endpoint, subscription: subscription, topology: topology, logger: logger)
        let queue = subscription.queue
        consumers.withLock { $0[queue] = thread }
        defer { consumers.withLock { if $0[queue] === thread { $0[queue] = nil } } }
        await withTaskCancellationHandler {
            for await received in thread.deliveries {
                let settlement = await receive(received.delivery)
                do {
                    switch settlement {
                    case .ack:
                        break
                    case .retry(let delay, let reason):
                        var copy = received.delivery.message
                        copy.headers[MessageHeader.attempt] = String(received.delivery.attempt + 1)
                        copy.headers[MessageHeader.reason] = reason
                        copy.headers[MessageHeader.queue] = subscription.queue
                        try await send(copy, toQueue: AMQPTopology.retryQueue(of: subscription.queue, delay: delay))
                    case .park(let reason):
                        var copy = received.delivery.message
                        copy.headers[MessageHeader.attempt] = String(received.delivery.attempt)
                        copy.headers[MessageHeader.reason] = reason
                        copy.headers[MessageHeader.queue] = subscription.queue
                        copy.headers[MessageHeader.parkedAt] = Contracts.Timestamp.format(Date())
                        try await send(copy, toQueue: subscription.deadLetterQueue)
                    }
                    thread.ack(received)
                } catch {
                    // Not acknowledged: the broker gives the message back once this connection drops.
                    logger.warning(
                        "could not move a failed message, it will be delivered again",
                        metadata: ["event.id": "\(received.delivery.message.id)", "error": "\(error)"])
                }
            }
        } onCancel: {
            Thread { thread.stop() }.start()
        }
    }

    public func parkedMessages(queue: String, limit: Int) async throws -> [ParkedMessage] {
        let dead = Subscription.deadLetterQueue(of: queue)
        return try await commands.run { session in
            var parked: [ParkedMessage] = []
            var lastTag: UInt64?
            while parked.count < limit, let next = try session.get(queue: dead) {
                lastTag = next.tag
                parked.append(Self.parked(next.message, attempt: next.attempt))
            }
            if let lastTag { try session.nack(lastTag, multiple: true, requeue: true) }
            return parked
        }
    }

    public func replayParked(queue: String, limit: Int) async throws -> Int {
        let dead = Subscription.deadLetterQueue(of: queue)
        let timeout = confirmTimeout
        return try await commands.run { session in
            var replayed = 0
            while replayed < limit, let next = try session.get(queue: dead) {
                var message = next.message
                for header in [MessageHeader.attempt, MessageHeader.reason, MessageHeader.parkedAt, MessageHeader.queue]
                {
                    message.headers.removeValue(forKey: header)
                }
                message.headers.removeValue(forKey: "x-death")
                try session.publishConfirmed([("", queue, message)], timeout: timeout)
                try session.ack(next.tag)
                replayed += 1
            }
            return replayed
        }
    }

    public func expectedPublisher(of producer: ServiceName) -> String? { producerUsers[producer] }

    /// Whether a consumer of `queue` is connected to the broker and consuming right now (not merely trying to).
    public func isAttached(toQueue queue: String) -> Bool {
        consumers.withLock { $0[queue]?.isConnected ?? false }
    }

    /// Each service's user by the platform's convention: a user named after its service (`magistere-tracking`)
    /// implies its peers' (`magistere-catalog`, `magistere-enrolment`); any other user is one account shared by
    /// every service (local tests, `guest`), which then proves nothing about who published.
    public static func conventionalProducerUsers(forUser user: String) -> [ServiceName: String] {
        for service in ServiceName.allCases where user.hasSuffix(service.rawValue) && user.count > service.rawValue.count {
            let prefix = user.dropLast(service.rawValue.count)
            return Dictionary(uniqueKeysWithValues: ServiceName.allCases.map { ($0, prefix + $0.rawValue) })
        }
        return Dictionary(uniqueKeysWithValues: ServiceName.allCases.map { ($0, user) })
    }

    public func checkConnection() async throws {
        let exchange = topology.exchange
        try await commands.run { session in try session.declareExchange(exchange, type: "topic") }
    }

    /// Messages waiting in a queue (ready, not yet delivered).
    public func depth(of queue: String) async throws -> Int {
        try await commands.run { session in try session.messageCount(queue: queue) }
    }

    static func parked(_ message: Message, attempt: Int) -> ParkedMessage {
        ParkedMessage(
            message: message,
            reason: message.headers[MessageHeader.reason] ?? "delivery limit reached (the consumer kept failing)",
            parkedAt: message.headers[MessageHeader.parkedAt].flatMap(Contracts.Timestamp.parse),
            attempts: attempt)
    }
}
