import Foundation
import Contracts
import Logging

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

    public init(
        endpoint: AMQPEndpoint, topology: AMQPTopology = AMQPTopology(), confirmTimeout: Duration = .seconds(30),
        logger: Logger
    ) {
        self.endpoint = endpoint
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

    /// Publishes as `mandatory` with confirms; messages the broker returned are in the receipt.
    @discardableResult
    public func publish(_ messages: [Message]) async throws -> PublishReceipt {
        guard !messages.isEmpty else { return PublishReceipt() }
        let exchange = topology.exchange
        let timeout = confirmTimeout
        let returned = try await commands.run { session in
            try session.publishConfirmed(messages.map { (exchange, $0.type, $0) }, timeout: timeout)
        }
        return PublishReceipt(unroutable: returned)
    }

    /// Publishes straight to one queue through the default exchange (retries, parking, replays).
    ///
    /// Throws when the broker returns it because the queue does not exist: it was not stored.
    func send(_ message: Message, toQueue queue: String) async throws {
        let timeout = confirmTimeout
        try await commands.run { session in
            let returned = try session.publishConfirmed([("", queue, message)], timeout: timeout)
            // The connection is fine (the publish was confirmed): keep it.
            guard returned.isEmpty else { throw RecoverableJobError(description: "no queue \(queue) to take the message") }
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
                let returned = try session.publishConfirmed([("", queue, message)], timeout: timeout)
                guard returned.isEmpty else {
                    // The queue is gone: the message stays parked rather than vanish.
                    try session.nack(next.tag, multiple: false, requeue: true)
                    throw RecoverableJobError(description: "no queue \(queue) to replay parked messages into")
                }
                try session.ack(next.tag)
                replayed += 1
            }
            return replayed
        }
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
