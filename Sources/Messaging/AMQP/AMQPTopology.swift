import Logging

/// The broker objects of the platform: one durable topic exchange for domain events; per consuming
/// service a durable main queue, one delay queue per retry delay, and a dead-letter queue.
///
/// A failed message is republished (with confirm) to `<queue>.delay.<ms>ms`, which the consuming
/// service also consumes, sending each message back to the main queue when its delay is over.
/// Main queues are quorum queues with a delivery limit, so that even a message that crashes its
/// consumer every time ends in `<queue>.dead` instead of looping forever.
///
/// Every queue of a subscription is of the topology's type. On a cluster that is what lets a
/// consumer survive the loss of a node: a classic queue lives on one node, and a consumer that
/// reconnects elsewhere cannot even declare it while that node is down, whereas quorum queues are
/// replicated. A message leaves a delay queue only once the main queue has confirmed it. Listing a dead-letter queue never counts a delivery attempt (it moves the listed
/// messages to the tail, see ``AMQPTransport/parkedMessages(queue:limit:)``), so a quorum
/// dead-letter queue's delivery limit (RabbitMQ 4 sets 20 by default) is never reached by browsing.
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
    ///
    /// Versions before the quorum delay queues named them `<queue>.retry.<ms>ms` (classic): those are
    /// no longer declared nor published to; what they hold still dead-letters back to the main queue,
    /// and an operator deletes them once empty (docs/messaging.md, "Upgrading").
    public static func retryQueue(of queue: String, delay: Duration) -> String {
        "\(queue).delay.\(delay.milliseconds)ms"
    }

    /// The arguments of every dead-letter queue.
    var deadLetterQueueArguments: [(String, AMQPField)] { [("x-queue-type", .string(queueType.rawValue))] }

    /// The arguments of a delay queue of `queue`.
    ///
    /// No message TTL: the consuming service moves each message back when its delay is over (see
    /// ``AMQPTransport``'s `moveBack`). A message the broker dead-letters anyway (a delivery limit, such as
    /// RabbitMQ 4's default of 20, reached by crashes while it was held) goes back to `queue` early: an
    /// early retry, never a lost one.
    func delayQueueArguments(backTo queue: String) -> [(String, AMQPField)] {
        [
            ("x-queue-type", .string(queueType.rawValue)),
            ("x-dead-letter-exchange", .string("")),
            ("x-dead-letter-routing-key", .string(queue)),
        ]
    }

    /// Logged when `<queue>.dead` exists as another kind of queue, declared by an earlier version.
    static let legacyDeadLetterQueueWarning: Logger.Message =
        "the dead-letter queue exists as another kind of queue than this topology declares (an earlier version's): it is kept; recreate it (docs/messaging.md, \"Upgrading the delay and dead-letter queues\")"

    /// Declares the subscription's queues and bindings.
    ///
    /// Returns false when `<queue>.dead` already exists as another kind of queue: a classic queue
    /// declared by an earlier version. It is kept as it is (its messages stay where they are, and
    /// connecting still works), but it lives on one node of a cluster until an operator recreates it
    /// (see docs/messaging.md, "Upgrading the delay and dead-letter queues").
    @discardableResult
    func declare(_ subscription: Subscription, on session: AMQPSession) throws -> Bool {
        try session.declareExchange(exchange, type: "topic")
        let dead = subscription.deadLetterQueue
        let current = try session.declareQueueKeepingExisting(dead, arguments: deadLetterQueueArguments)
        var main: [(String, AMQPField)] = [
            ("x-queue-type", .string(queueType.rawValue)),
            ("x-dead-letter-exchange", .string("")),
            ("x-dead-letter-routing-key", .string(dead)),
        ]
        if queueType == .quorum { main.append(("x-delivery-limit", .int(Int64(deliveryLimit)))) }
        if subscription.singleActiveConsumer { main.append(("x-single-active-consumer", .bool(true))) }
        try session.declareQueue(subscription.queue, arguments: main)
        // Shared delay queues cannot send a message the broker dead-letters back to one queue: it is parked in
        // the group's own dead-letter queue instead (where `magistere dead-letters` shows it).
        let backTo = subscription.delayGroup.map(Subscription.deadLetterQueue(of:)) ?? subscription.queue
        if let group = subscription.delayGroup {
            _ = try session.declareQueueKeepingExisting(
                Subscription.deadLetterQueue(of: group), arguments: deadLetterQueueArguments)
        }
        for delay in Set(subscription.retry.delays) {
            try session.declareQueue(
                Self.retryQueue(of: subscription.delayPrefix, delay: delay),
                arguments: delayQueueArguments(backTo: backTo))
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
