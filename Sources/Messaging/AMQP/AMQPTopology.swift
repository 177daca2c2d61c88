/// The broker objects of the platform: one durable topic exchange for domain events; per consuming
/// service a durable main queue, one delay queue per retry delay, and a dead-letter queue.
///
/// Retries are broker-side: a failed message is republished (with confirm) to
/// `<queue>.retry.<ms>`, whose TTL dead-letters it back to the main queue when the delay is over.
/// Main queues are quorum queues with a delivery limit, so that even a message that crashes its
/// consumer every time ends in `<queue>.dead` instead of looping forever.
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

    func declare(_ subscription: Subscription, on session: AMQPSession) throws {
        try session.declareExchange(exchange, type: "topic")
        let dead = subscription.deadLetterQueue
        try session.declareQueue(dead, arguments: [("x-queue-type", .string(queueType.rawValue))])
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
    }
}

extension Duration {
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
