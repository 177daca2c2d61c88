import Logging

/// The broker objects of the platform: one durable topic exchange for domain events; per consuming
/// service a durable main queue, one delay queue per retry delay, and a dead-letter queue.
///
/// Retries are broker-side: a failed message is republished (with confirm) to
/// `<queue>.retry.<ms>`, whose TTL dead-letters it back to the main queue when the delay is over.
/// Main queues are quorum queues with a delivery limit, so that even a message that crashes its
/// consumer every time ends in `<queue>.dead` instead of looping forever.
///
/// The dead-letter queue is a classic durable queue whatever `queueType` says: classic queues count
/// no delivery attempts, so an operator browsing parked messages (basic.get, then requeue) never
/// uses up a delivery limit. A quorum dead-letter queue would: RabbitMQ 4 gives every quorum queue a
/// delivery limit of 20 by default, and a parked message listed 20 times would be dropped.
public struct AMQPTopology: Sendable, Equatable {
    public enum QueueType: String, Sendable, CaseIterable {
        case quorum
        case classic
    }

    /// The domain events exchange (topic, durable).
    public var exchange: String
    public var queueType: QueueType
    /// Broker-counted deliveries (crashes, requeues) after which a quorum queue parks a message.
    public var deliveryLimit: Int

    public init(exchange: String = "magistere.events", queueType: QueueType = .quorum, deliveryLimit: Int = 20) {
        self.exchange = exchange
        self.queueType = queueType
        self.deliveryLimit = deliveryLimit
    }

    /// The delay queue used after a failed attempt.
    public static func retryQueue(of queue: String, delay: Duration) -> String {
        "\(queue).retry.\(delay.milliseconds)ms"
    }

    /// The arguments of every dead-letter queue.
    static let deadLetterQueueArguments: [(String, AMQPField)] = [("x-queue-type", .string("classic"))]

    /// Logged when `<queue>.dead` is a quorum queue left by an earlier version.
    static let legacyDeadLetterQueueWarning: Logger.Message =
        "the dead-letter queue is a quorum queue from an earlier version: listing it uses up delivery attempts; recreate it (docs/messaging.md)"

    /// Declares the subscription's queues and bindings.
    ///
    /// Returns false when `<queue>.dead` already exists as another kind of queue: a quorum queue
    /// declared by a version before the dead-letter queue became classic. It is kept as it is (its
    /// messages stay where they are, and connecting still works); listing it counts delivery attempts
    /// until an operator recreates it (see docs/messaging.md, "Upgrading the dead-letter queues").
    @discardableResult
    func declare(_ subscription: Subscription, on session: AMQPSession) throws -> Bool {
        try session.declareExchange(exchange, type: "topic")
        let dead = subscription.deadLetterQueue
        let current = try session.declareQueueKeepingExisting(dead, arguments: Self.deadLetterQueueArguments)
        var main: [(String, AMQPField)] = [
            ("x-queue-type", .string(queueType.rawValue)),
            ("x-dead-letter-exchange", .string("")),
            ("x-dead-letter-routing-key", .string(dead)),
        ]
        if queueType == .quorum { main.append(("x-delivery-limit", .int(Int64(deliveryLimit)))) }
        try session.declareQueue(subscription.queue, arguments: main)
        for delay in Set(subscription.retry.delays) {
            try session.declareQueue(
                Self.retryQueue(of: subscription.queue, delay: delay),
                arguments: [
                    ("x-queue-type", .string("classic")),
                    ("x-message-ttl", .int(Int64(delay.milliseconds))),
                    ("x-dead-letter-exchange", .string("")),
                    ("x-dead-letter-routing-key", .string(subscription.queue)),
                ])
        }
        for key in subscription.bindings {
            try session.bind(queue: subscription.queue, exchange: exchange, routingKey: key)
        }
        return current
    }
}

extension Duration {
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
