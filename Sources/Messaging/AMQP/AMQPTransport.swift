import Contracts
import Foundation
import Logging
import Metrics
import Synchronization

/// The RabbitMQ transport: AMQP 0-9-1 through rabbitmq-c, one owner thread per connection.
///
/// One connection publishes (with confirms) and runs operator commands; each consumed queue has a
/// connection of its own. Both reconnect by themselves with backoff.
public final class AMQPTransport: MessageTransport, DeadLetterAdministration {
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

    /// Publishes straight to one queue through the default exchange (retries, parking), on `worker`.
    ///
    /// Throws when the broker does not confirm it, refuses it, or returns it because the queue does
    /// not exist: in each case the message is not stored and the caller must not drop the original.
    private func send(_ message: Message, toQueue queue: String, on worker: AMQPWorker) async throws {
        let timeout = confirmTimeout
        try await worker.run { session in
            let returned = try session.publishConfirmed([("", queue, message)], timeout: timeout)
            // The connection is fine (the publish was confirmed): keep it.
            guard returned.isEmpty else {
                throw RecoverableJobError(description: "no queue \(queue) to take the message")
            }
        }
    }

    /// Declares the subscription's queues and bindings; warns about a dead-letter queue from an earlier version.
    public func declare(_ subscription: Subscription) async throws {
        let topology = topology
        let current = try await commands.run { session in try topology.declare(subscription, on: session) }
        if !current {
            logger.warning(
                AMQPTopology.legacyDeadLetterQueueWarning, metadata: ["amqp.queue": "\(subscription.deadLetterQueue)"])
        }
    }

    /// Consumes on a connection of its own; retries and parks are published on another one, also
    /// the consumer's own, so that they never wait behind the outbox relay's batches.
    ///
    /// When a retry or park cannot be stored (not confirmed, refused, unroutable, connection lost),
    /// the delivery is handed back to the queue (basic.nack with requeue) after a pause that grows
    /// with consecutive failures (100 ms doubling to 5 s): it comes again, and nothing waits forever
    /// unacknowledged on a connection that stays up. Each hand-back counts as a delivery attempt on a
    /// quorum queue, so a message whose retry keeps failing ends, at the delivery limit, parked by the
    /// broker itself.
    public func consumeWindows(
        _ subscriptions: [Subscription], _ receive: @escaping @Sendable ([Delivery]) async -> [Settlement]
    ) async throws {
        let thread = AMQPConsumerThread(
            endpoint: endpoint, subscriptions: subscriptions, topology: topology, logger: logger)
        let byQueue = Dictionary(subscriptions.map { ($0.queue, $0) }) { first, _ in first }
        consumers.withLock { consumers in for queue in byQueue.keys { consumers[queue] = thread } }
        defer {
            consumers.withLock { consumers in
                for queue in byQueue.keys where consumers[queue] === thread { consumers[queue] = nil }
            }
        }
        let settling = AMQPWorker(endpoint: endpoint, name: "amqp-settle-\(subscriptions[0].queue)")
        // stop() waits for the owner threads to close their connections: never on the cooperative pool.
        defer { Thread { settling.stop() }.start() }
        // One mover per delay queue: subscriptions of one delay group share theirs.
        var delayQueues: [String: (Duration, Subscription)] = [:]
        for subscription in subscriptions {
            for delay in subscription.retry.delays {
                delayQueues[AMQPTopology.retryQueue(of: subscription.delayPrefix, delay: delay)] = (delay, subscription)
            }
        }
        await withTaskGroup(of: Void.self) { movers in
            for (delayQueue, (delay, subscription)) in delayQueues {
                movers.addTask { await self.moveBack(delayQueue, after: delay, subscription, on: settling) }
            }
            await drain(thread) { window, failures in
                let settlements = await receive(window.map(\.delivery))
                var settled: [(received: AMQPConsumerThread.Received, requeue: Bool)] = []
                settled.reserveCapacity(window.count)
                for (index, received) in window.enumerated() {
                    // A delivery the consumer left without a settlement (it was stopped) goes back to the queue.
                    guard index < settlements.count, settlements[index] != .handBack,
                        let subscription = byQueue[received.delivery.queue]
                    else {
                        settled.append((received, true))
                        continue
                    }
                    let stored = await attempt(
                        "could not retry or park a failed message: handing it back to the queue", received,
                        subscription.queue, failures: &failures
                    ) {
                        try await self.store(settlements[index], of: received.delivery, subscription, on: settling)
                    }
                    settled.append((received, !stored))
                }
                return settled
            }
            movers.cancelAll()
        }
        if let failure = thread.failure { throw failure }
    }

    /// Sends each message to its queue through the default exchange, confirmed, on the publishing connection.
    public func send(_ items: [(queue: String, message: Message)]) async throws {
        guard !items.isEmpty else { return }
        let timeout = confirmTimeout
        try await commands.run { session in
            let returned = try session.publishConfirmed(items.map { ("", $0.queue, $0.message) }, timeout: timeout)
            guard returned.isEmpty else {
                throw RecoverableJobError(description: "no queue \(items[returned[0]].queue) to take the message")
            }
        }
    }

    /// Hands each window of `thread` to `handle` and queues the settlements it returns, until the task is
    /// cancelled; then stops the thread (off the cooperative pool: it waits for the connection to close).
    ///
    /// On cancellation the stream ends, but a window being handled is still settled: its acks (or
    /// hand-backs) are queued before the owner thread is stopped, and the thread sends what is queued
    /// before it closes the connection. Stopping first would put a parked or retried message back
    /// in the queue as well: stored twice.
    private func drain(
        _ thread: AMQPConsumerThread,
        _ handle: ([AMQPConsumerThread.Received], inout Int) async -> [(
            received: AMQPConsumerThread.Received, requeue: Bool
        )]
    ) async {
        await withTaskCancellationHandler {
            var failures = 0
            while let window = await thread.nextWindow() {
                // Windows still buffered at cancellation are not handled: they go back to the queue.
                if Task.isCancelled { break }
                thread.settle(await handle(window, &failures))
            }
        } onCancel: {
            thread.stopReceiving()
        }
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            Thread {
                thread.stop()
                done.resume()
            }.start()
        }
    }

    /// Runs `publish` (a confirmed publish that must succeed before a delivery is acknowledged); on failure
    /// logs, counts, pauses (100 ms doubling to 5 s over consecutive failures, so that a broker refusing
    /// publishes is not asked again in a tight loop; cut short at shutdown) and returns false.
    private func attempt(
        _ what: Logger.Message, _ received: AMQPConsumerThread.Received, _ queue: String, failures: inout Int,
        _ publish: () async throws -> Void
    ) async -> Bool {
        do {
            try await publish()
            failures = 0
            return true
        } catch {
            failures += 1
            let pause = min(Duration.milliseconds(100) * (1 << min(failures - 1, 6)), .seconds(5))
            logger.warning(
                what,
                metadata: [
                    "event.id": "\(received.delivery.message.id)", "event.type": "\(received.delivery.message.type)",
                    "amqp.queue": "\(queue)", "error": "\(error)",
                ])
            Counter(label: "magistere_messages_settle_failures_total", dimensions: [("queue", queue)]).increment()
            try? await Task.sleep(for: pause)
            return false
        }
    }

    /// Consumes the delay queue of `delay` and sends each message back to the subscription's queue once its
    /// delay is over: published (confirmed) to the queue first, acknowledged in the delay queue after.
    ///
    /// Delays are kept by the consuming service rather than by the broker's message TTL: a quorum queue's
    /// TTL dead-lettering either may lose a message while the target queue elects a new leader
    /// (at-most-once) or, on RabbitMQ 3.10, stalls for as long as a dead node stays down (at-least-once:
    /// its re-sends keep going to the old leader). Held here, a message waits unacknowledged in a replicated
    /// queue: a crash or a lost node puts it back in the delay queue, and it is sent again (the inbox
    /// drops a copy that had already arrived). A delay queue is first in, first out with one delay, so
    /// waiting for the head is waiting for the earliest.
    private func moveBack(
        _ delayQueue: String, after delay: Duration, _ subscription: Subscription, on settling: AMQPWorker
    ) async {
        let thread = AMQPConsumerThread(
            endpoint: endpoint, subscriptions: [subscription], topology: topology, logger: logger, queue: delayQueue)
        await drain(thread) { window, failures in
            var settled: [(received: AMQPConsumerThread.Received, requeue: Bool)] = []
            for received in window {
                var message = received.delivery.message
                let due = message.headers.removeValue(forKey: MessageHeader.retryAt).flatMap(Int64.init)
                if let due {
                    // Never longer than the delay (a publisher's clock ahead of this one's).
                    let wait = min(delay, .milliseconds(due - Int64(Date().timeIntervalSince1970 * 1000)))
                    if wait > .zero { try? await Task.sleep(for: wait) }
                }
                guard !Task.isCancelled else {
                    settled.append((received, true))
                    continue
                }
                let sent = await attempt(
                    "could not send a delayed retry back to its queue: handing it back to the delay queue", received,
                    delayQueue, failures: &failures
                ) {
                    // Back to the queue it failed in: one of the group's (`<group>.…`) when the delay queue is shared;
                    // a header naming any other queue is not followed.
                    let target = Self.retryTarget(of: message, subscription)
                    try await self.send(message, toQueue: target, on: settling)
                }
                settled.append((received, !sent))
            }
            return settled
        }
    }

    /// The queue a delayed message goes back to.
    static func retryTarget(of message: Message, _ subscription: Subscription) -> String {
        guard let group = subscription.delayGroup, let named = message.headers[MessageHeader.queue],
            named.hasPrefix(group + ".")
        else { return subscription.queue }
        return named
    }

    /// Stores what a settlement asks before its delivery is acknowledged: a retry in the delay queue, a park
    /// in the dead-letter queue (each confirmed by the broker); nothing for an ack.
    private func store(
        _ settlement: Settlement, of delivery: Delivery, _ subscription: Subscription, on settling: AMQPWorker
    ) async throws {
        switch settlement {
        case .ack, .handBack:
            return
        case .retry(let delay, let reason):
            var copy = delivery.message
            copy.headers[MessageHeader.attempt] = String(delivery.attempt + 1)
            copy.headers[MessageHeader.reason] = reason
            copy.headers[MessageHeader.queue] = subscription.queue
            copy.headers[MessageHeader.retryAt] = String(
                Int64((Date().timeIntervalSince1970 * 1000).rounded()) + delay.milliseconds)
            try await send(
                copy, toQueue: AMQPTopology.retryQueue(of: subscription.delayPrefix, delay: delay), on: settling)
        case .park(let reason):
            var copy = delivery.message
            copy.headers[MessageHeader.attempt] = String(delivery.attempt)
            copy.headers[MessageHeader.reason] = reason
            copy.headers[MessageHeader.queue] = subscription.queue
            copy.headers[MessageHeader.parkedAt] = Contracts.Timestamp.format(Date())
            try await send(copy, toQueue: subscription.deadLetterQueue, on: settling)
        }
    }

    /// Lists up to `limit` parked messages from the head of `<queue>.dead`.
    ///
    /// Each listed message is taken (basic.get), published again at the tail of the same queue (confirmed),
    /// and only then acknowledged: nothing is ever handed back, so listing counts no delivery attempt on
    /// a quorum queue, whose delivery limit (RabbitMQ 4: 20 by default) would otherwise drop a message
    /// listed that often. The listed messages move to the tail: listing every message keeps their order;
    /// listing fewer shows the next ones the next time. Interrupted between publish and ack, a message is
    /// listed twice (replay is idempotent: consumers drop the copy by id); it is never lost.
    public func parkedMessages(queue: String, limit: Int) async throws -> [ParkedMessage] {
        let dead = Subscription.deadLetterQueue(of: queue)
        let timeout = confirmTimeout
        return try await commands.run { session in
            var parked: [ParkedMessage] = []
            // Bounded by what is there now: the rotated messages come back at the tail.
            let count = min(limit, try session.messageCount(queue: dead))
            while parked.count < count, let next = try session.get(queue: dead) {
                let returned = try session.publishConfirmed([("", dead, next.message)], timeout: timeout)
                guard returned.isEmpty else {
                    try session.nack(next.tag, multiple: false, requeue: true)
                    throw RecoverableJobError(description: "\(dead) was deleted while it was listed")
                }
                try session.ack(next.tag)
                parked.append(Self.parked(next.message, attempt: next.attempt))
            }
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
                for header in [
                    MessageHeader.attempt, MessageHeader.reason, MessageHeader.parkedAt, MessageHeader.queue,
                ] {
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

    public func expectedPublisher(of producer: ServiceName) -> String? { producerUsers[producer] }

    /// Whether a consumer of `queue` is connected to the broker and consuming right now (not merely trying to).
    public func isAttached(toQueue queue: String) -> Bool {
        consumers.withLock { $0[queue]?.isConnected ?? false }
    }

    /// Each service's user by the platform's convention: a user named after its service (`magistere-tracking`)
    /// implies its peers' (`magistere-catalog`, `magistere-enrolment`); any other user is one account shared by
    /// every service (local tests, `guest`), which then proves nothing about who published.
    public static func conventionalProducerUsers(forUser user: String) -> [ServiceName: String] {
        for service in ServiceName.allCases
        where user.hasSuffix(service.rawValue) && user.count > service.rawValue.count {
            let prefix = user.dropLast(service.rawValue.count)
            return Dictionary(uniqueKeysWithValues: ServiceName.allCases.map { ($0, prefix + $0.rawValue) })
        }
        return Dictionary(uniqueKeysWithValues: ServiceName.allCases.map { ($0, user) })
    }

    /// True when `<queue>.dead` exists as another kind of queue than the topology declares (a classic
    /// queue from an earlier version, on one node of a cluster). Throws when it does not exist (nothing is created).
    public func deadLetterQueueIsLegacy(of queue: String) async throws -> Bool {
        let dead = Subscription.deadLetterQueue(of: queue)
        let arguments = topology.deadLetterQueueArguments
        return try await commands.run { session in
            _ = try session.messageCount(queue: dead)
            return try !session.declareQueueKeepingExisting(dead, arguments: arguments)
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
