import Contracts
import Foundation
import Logging
import Metrics
import ServiceLifecycle
import Synchronization

/// A handler failure that no retry can cure (a rule the message breaks): the message is parked at once.
public struct PermanentFailure: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// A background service that receives events from the domain exchange: what it binds is what the service
/// consumes (its AsyncAPI `receive` operations).
public protocol EventSubscriber {
    /// Every queue it consumes or feeds, with its bindings: what `magistere broker setup` declares.
    var subscriptions: [Subscription] { get }
}

extension EventSubscriber {
    /// The routing keys (event types) its queues are bound to on the domain exchange.
    public var boundEventTypes: [String] { subscriptions.flatMap(\.bindings) }
}

/// Typed handlers for the event types a service consumes, keyed by versioned type name.
public struct EventRoutes: Sendable {
    typealias Handler = @Sendable (Delivery) async throws -> Void
    private(set) var handlers: [String: Handler] = [:]
    /// The service allowed to publish each handled type.
    private(set) var producers: [String: ServiceName] = [:]

    public init() {}

    /// Handles `E`: the message is decoded as `CloudEvent<E>` (a contract violation parks it) and
    /// its `source` must be `E.producer` (otherwise it is parked, not applied).
    public mutating func on<E: DomainEvent>(
        _ type: E.Type, _ handle: @escaping @Sendable (CloudEvent<E>, Delivery) async throws -> Void
    ) {
        producers[E.eventType.rawValue] = E.producer
        handlers[E.eventType.rawValue] = { delivery in
            let envelope: CloudEvent<E>
            do {
                envelope = try EventCoding.decode(CloudEvent<E>.self, from: delivery.message.body)
            } catch {
                throw PermanentFailure("payload does not match \(E.eventType): \(error)")
            }
            guard envelope.source == E.producer.source else {
                throw PermanentFailure(
                    "source '\(envelope.source)' may not publish \(E.eventType) (only \(E.producer.source))")
            }
            try await handle(envelope, delivery)
        }
    }

    /// The routing keys to bind.
    public var eventTypes: [String] { handlers.keys.sorted() }
}

/// Consumes one subscription: decodes, dispatches, and turns the outcome into ack, retry or park.
///
/// Malformed CloudEvents and unknown event types (including unknown versions of known ones) are
/// parked at once with a log line; handler errors are retried with the subscription's policy,
/// then parked. Nothing is dropped silently and one bad message never blocks the ones behind it.
public final class EventConsumer: Service, EventSubscriber, Sendable {
    /// The queues consumed together (one, or tracking's owned partitions), with the same routes.
    public let subscriptions: [Subscription]
    private let byQueue: [String: Subscription]
    private let transport: any MessageTransport
    private let routes: EventRoutes
    private let logger: Logger
    private let consuming = Atomic<Bool>(false)
    /// True from the start of the transport's consuming call until it has returned (detached: a pause ends it).
    private let inConsumingCall = Atomic<Bool>(false)
    /// `magistere_consumer_queue_depth{queue}`: messages waiting in each queue, sampled every `depthInterval`.
    private let depthGauges: [String: Gauge]
    /// `magistere_consumer_lag_seconds{queue}`: how old the last event handled was (from its CloudEvent `time`)
    /// when it was handled — how far behind its producers this consumer runs.
    private let lagGauges: [String: Gauge]
    /// `magistere_consumer_applied_through_seconds{queue}`: the consistency watermark, sampled with the depth — every
    /// event sent to the queue before this instant (Unix seconds) is handled (RabbitMQ counts ready messages only:
    /// a window in hand, at most the prefetch, may still be committing).
    private let watermarkGauges: [String: Gauge]
    /// `magistere_consumer_behind_seconds{queue}`: how far the watermark is behind the time of its sample — 0 while
    /// the queue is empty, growing while events wait (a paused or stuck consumer), back to 0 once caught up.
    private let behindGauges: [String: Gauge]
    /// `magistere_consumer_paused{queue}`: 1 while an operator has paused this instance's consumers.
    private let pausedGauges: [String: Gauge]
    /// The instance's pause switch (``ConsumptionSwitch``), shared by its consumers.
    public let consumption: ConsumptionSwitch
    /// When each queue last had an event handled, and that event's CloudEvent `time`, for ``lastHandled(queue:)``
    /// and ``lastEventTime(queue:)``.
    private let handled = Mutex<[String: (at: Date, eventTime: Date?)]>([:])
    /// The last consistency watermark of each queue (see ``appliedThrough(queue:)``).
    private let watermarks = Mutex<[String: Date]>([:])
    /// How far behind each queue was at its last sample (see ``behindSeconds(queue:)``).
    private let behind = Mutex<[String: Double]>([:])
    private let depthInterval: Duration

    /// The first (often the only) subscription.
    public var subscription: Subscription { subscriptions[0] }

    /// True while the consumer runs and either its transport is attached to every queue or an operator paused it
    /// (for `/ready`: a paused instance keeps answering HTTP): a consumer whose connection is down and retrying is not
    /// ready, even though its task runs.
    public var isRunning: Bool {
        consuming.load(ordering: .relaxed) && (consumption.isPaused || isAttached)
    }

    /// True while the consumer runs and its transport is attached to every queue (a paused consumer detaches within
    /// moments: its window in hand settled, its connection closed).
    public var isAttached: Bool {
        consuming.load(ordering: .relaxed) && inConsumingCall.load(ordering: .relaxed)
            && subscriptions.allSatisfy { transport.isAttached(toQueue: $0.queue) }
    }

    public convenience init(
        transport: any MessageTransport, queue: String, routes: EventRoutes, prefetch: Int = 64,
        retry: RetryPolicy = .standard, consumption: ConsumptionSwitch = ConsumptionSwitch(),
        depthInterval: Duration = defaultDepthInterval, metrics: any MetricsFactory = MetricsSystem.factory,
        logger: Logger
    ) {
        self.init(
            transport: transport,
            subscriptions: [Subscription(queue: queue, bindings: routes.eventTypes, prefetch: prefetch, retry: retry)],
            routes: routes, consumption: consumption, depthInterval: depthInterval, metrics: metrics, logger: logger)
    }

    /// How often each queue's depth, the watermark and how far behind it is are sampled.
    public static let defaultDepthInterval: Duration = .seconds(5)

    /// Consumes several queues together on one connection (see ``MessageTransport/consumeWindows(_:_:)``);
    /// each keeps its own order, retry policy and dead-letter queue.
    public init(
        transport: any MessageTransport, subscriptions: [Subscription], routes: EventRoutes,
        consumption: ConsumptionSwitch = ConsumptionSwitch(), depthInterval: Duration = defaultDepthInterval,
        metrics: any MetricsFactory = MetricsSystem.factory, logger: Logger
    ) {
        precondition(!subscriptions.isEmpty, "nothing to consume")
        self.transport = transport
        self.consumption = consumption
        self.routes = routes
        self.subscriptions = subscriptions
        self.byQueue = Dictionary(subscriptions.map { ($0.queue, $0) }) { first, _ in first }
        self.logger = logger
        self.depthInterval = depthInterval
        self.depthGauges = byQueue.mapValues { subscription in
            Gauge(
                label: "magistere_consumer_queue_depth", dimensions: [("queue", subscription.queue)], factory: metrics)
        }
        self.lagGauges = byQueue.mapValues { subscription in
            Gauge(
                label: "magistere_consumer_lag_seconds", dimensions: [("queue", subscription.queue)], factory: metrics)
        }
        self.watermarkGauges = byQueue.mapValues { subscription in
            Gauge(
                label: "magistere_consumer_applied_through_seconds", dimensions: [("queue", subscription.queue)],
                factory: metrics)
        }
        self.behindGauges = byQueue.mapValues { subscription in
            Gauge(
                label: "magistere_consumer_behind_seconds", dimensions: [("queue", subscription.queue)],
                factory: metrics)
        }
        self.pausedGauges = byQueue.mapValues { subscription in
            Gauge(label: "magistere_consumer_paused", dimensions: [("queue", subscription.queue)], factory: metrics)
        }
    }

    /// The consistency watermark of `queue`, as last sampled (every `depthInterval`): every event its producers sent to
    /// it before this instant has been applied — give or take the window in hand, at most the prefetch, which may
    /// still be committing. Nil until a first sample (the consumer not started, or the broker away since).
    public func appliedThrough(queue: String) -> Date? { watermarks.withLock { $0[queue] } }

    /// How far the watermark of `queue` was behind at its last sample (`magistere_consumer_behind_seconds`): 0 when
    /// the queue was empty; with events waiting and no watermark yet (nothing handled since this consumer started),
    /// the time since it started — a lower bound. Nil before a first sample.
    public func behindSeconds(queue: String) -> Double? { behind.withLock { $0[queue] } }

    /// When an event of `queue` was last handled by this consumer (nil: none since it started).
    public func lastHandled(queue: String) -> Date? { handled.withLock { $0[queue]?.at } }

    /// When the last event handled from `queue` happened (its CloudEvent `time`): a queue is consumed in order, so
    /// what was sent to it before that event was handled too (retries waiting in a delay queue excepted).
    public func lastEventTime(queue: String) -> Date? { handled.withLock { $0[queue]?.eventTime } }

    /// How old the last event handled from `queue` was when it was handled (`magistere_consumer_lag_seconds`), nil
    /// when none was since the consumer started or its time is unknown.
    public func lagSeconds(queue: String) -> Double? {
        handled.withLock { handled in
            handled[queue].flatMap { last in last.eventTime.map { max(0, last.at.timeIntervalSince($0)) } }
        }
    }

    public func run() async throws {
        let subscriptions = subscriptions
        consuming.store(true, ordering: .relaxed)
        defer { consuming.store(false, ordering: .relaxed) }
        do {
            try await cancelWhenGracefulShutdown {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { await self.sampleDepth() }
                    try await self.consumeUntilStopped(subscriptions)
                    group.cancelAll()
                }
            }
        } catch is CancellationError {
            // Shutting down: the delivery in hand was settled or goes back to the queue. Not a failure.
        }
    }

    /// Consumes until cancelled, detached from the queues while an operator pauses consumption: a pause cancels the
    /// consuming call (the windows in hand are settled or go back to their queues, as at a shutdown, and the leases
    /// are given back), a resume starts it again.
    private func consumeUntilStopped(_ subscriptions: [Subscription]) async throws {
        while !Task.isCancelled {
            await consumption.wait(untilPaused: false)
            if Task.isCancelled { return }
            let paused = try await withThrowingTaskGroup(of: Bool.self) { group in
                group.addTask {
                    self.inConsumingCall.store(true, ordering: .relaxed)
                    defer { self.inConsumingCall.store(false, ordering: .relaxed) }
                    try await self.transport.consumeWindows(subscriptions) { window in await self.settle(window) }
                    return false
                }
                group.addTask {
                    await self.consumption.wait(untilPaused: true)
                    return !Task.isCancelled
                }
                defer { group.cancelAll() }
                return try await group.next() ?? false
            }
            guard paused else { return }
            logger.notice(
                "consumption paused by an operator",
                metadata: ["queues": "\(subscriptions.map(\.queue))", "reason": "\(consumption.pause?.reason ?? "")"])
            await consumption.wait(untilPaused: false)
            if !Task.isCancelled {
                logger.notice("consumption resumed", metadata: ["queues": "\(subscriptions.map(\.queue))"])
            }
        }
    }

    /// Samples the depth of each queue until cancelled (a failed sample, broker away, is skipped).
    private func sampleDepth() async {
        let started = Date()
        while !Task.isCancelled {
            let paused = consumption.isPaused
            for (queue, gauge) in depthGauges {
                pausedGauges[queue]?.record(paused ? 1 : 0)
                let sampled = Date()
                guard let depth = try? await transport.depth(of: queue) else { continue }
                gauge.record(depth)
                // The consistency watermark: an empty queue has applied everything sent before the sample; one
                // with a backlog, everything sent before the last event it handled (a queue is consumed in order).
                let through = depth == 0 ? sampled : lastEventTime(queue: queue)
                let watermark = watermarks.withLock { watermarks -> Date? in
                    guard let through else { return watermarks[queue] }
                    let advanced = max(through, watermarks[queue] ?? through)
                    watermarks[queue] = advanced
                    return advanced
                }
                if let watermark { watermarkGauges[queue]?.record(watermark.timeIntervalSince1970) }
                // Events waiting and nothing known of how old they are: at least as long as this consumer has run.
                let seconds = max(0, sampled.timeIntervalSince(watermark ?? started))
                behindGauges[queue]?.record(seconds)
                behind.withLock { $0[queue] = seconds }
            }
            try? await Task.sleep(for: depthInterval)
        }
    }

    /// Decides what becomes of a window of deliveries, returning their settlements in the window's order.
    ///
    /// Deliveries of one queue about one subject (the aggregate a CloudEvent names: a session, an enrolment, a
    /// course) are handled one after the other, in queue order; deliveries about different subjects, or from
    /// different queues, concurrently, so that a store with group commit (``GroupCommit``) writes the window's
    /// effects in a few transactions instead of one each. Order across subjects was never promised (a retried
    /// event comes back after later ones), nor across queues: the copies of one event that several queues carry
    /// (tracking's partitions each get a course's publication and each window's directory placements) go to
    /// different stores, and were handled one after the other for nothing.
    public func settle(_ window: [Delivery]) async -> [Settlement] {
        let headers = window.map { delivery in
            Result { try EventCoding.decode(CloudEventHeader.self, from: delivery.message.body) }
        }
        if window.count == 1 { return [await settle(window[0], header: headers[0])] }
        var lanes: [String: [Int]] = [:]
        for index in window.indices {
            let header = try? headers[index].get()
            let subject = header.map { $0.subject ?? $0.id } ?? window[index].message.id
            lanes[window[index].queue + "\u{0}" + subject, default: []].append(index)
        }
        return await withTaskGroup(of: [(Int, Settlement)].self) { group in
            for lane in lanes.values {
                group.addTask {
                    var decided: [(Int, Settlement)] = []
                    for index in lane {
                        decided.append((index, await self.settle(window[index], header: headers[index])))
                    }
                    return decided
                }
            }
            var settlements = [Settlement](repeating: .ack, count: window.count)
            for await decided in group {
                for (index, settlement) in decided { settlements[index] = settlement }
            }
            return settlements
        }
    }

    /// Decides what becomes of one delivery (public so that tools and tests can drive it).
    public func settle(_ delivery: Delivery) async -> Settlement {
        await settle(
            delivery, header: Result { try EventCoding.decode(CloudEventHeader.self, from: delivery.message.body) })
    }

    private func settle(_ delivery: Delivery, header decoded: Result<CloudEventHeader, any Error>) async -> Settlement {
        let subscription = byQueue[delivery.queue] ?? subscription
        let queue = subscription.queue
        var metadata: Logger.Metadata = [
            "event.id": "\(delivery.message.id)", "event.type": "\(delivery.message.type)", "amqp.queue": "\(queue)",
            "attempt": "\(delivery.attempt)",
        ]
        let trace = delivery.message.traceparent.flatMap(TraceContext.init(traceparent:))
        if let trace {
            metadata["trace.id"] = "\(trace.traceID)"
            metadata["trace.parent"] = "\(trace.spanID)"
        }
        let header: CloudEventHeader
        do {
            header = try decoded.get()
        } catch {
            return park(queue, "not a CloudEvent: \(error)", metadata)
        }
        guard header.specversion == "1.0" else {
            return park(queue, "unsupported CloudEvents specversion '\(header.specversion)'", metadata)
        }
        guard let handler = routes.handlers[header.type] else {
            return park(queue, "unknown event type '\(header.type)' for this consumer", metadata)
        }
        // Who really published it: `source` is whatever the publisher wrote; the broker user is checked by
        // the broker. Each event type is accepted only from its producer's user.
        if let publishedBy = delivery.message.publishedBy, let producer = routes.producers[header.type],
            let expected = transport.expectedPublisher(of: producer), publishedBy != expected
        {
            let who = publishedBy.isEmpty ? "a publisher that set no AMQP user_id" : "broker user '\(publishedBy)'"
            return park(
                queue, "\(header.type) was published by \(who); only \(producer.rawValue)'s user '\(expected)' may",
                metadata.merging(["amqp.user_id": "\(publishedBy)"]) { $1 })
        }
        do {
            // The events this handler appends continue the trace of the one it handles.
            try await TraceContext.$current.withValue(trace?.child()) { try await handler(delivery) }
            count("consumed", queue)
            let now = Date()
            if let time = header.time { lagGauges[queue]?.record(max(0, now.timeIntervalSince(time))) }
            handled.withLock { $0[queue] = (now, header.time) }
            return .ack
        } catch let failure as PermanentFailure {
            return park(queue, failure.description, metadata)
        } catch is CancellationError where Task.isCancelled {
            // Stopping: the handler was interrupted (its transaction rolled back), which is no failure of the
            // message's. It goes back to the queue as it was, without a retry or an attempt counted.
            return .handBack
        } catch {
            count("failed", queue)
            guard let delay = subscription.retry.delay(afterAttempt: delivery.attempt) else {
                return park(queue, "gave up after \(delivery.attempt) attempts: \(error)", metadata)
            }
            logger.warning("event handler failed, will retry", metadata: metadata.merging(["error": "\(error)"]) { $1 })
            return .retry(after: delay, reason: "\(error)")
        }
    }

    private func park(_ queue: String, _ reason: String, _ metadata: Logger.Metadata) -> Settlement {
        logger.error(
            "event parked in the dead-letter queue", metadata: metadata.merging(["reason": "\(reason)"]) { $1 })
        count("parked", queue)
        return .park(reason: reason)
    }

    private func count(_ outcome: String, _ queue: String) {
        Counter(label: "magistere_messages_\(outcome)_total", dimensions: [("queue", queue)]).increment()
    }
}
