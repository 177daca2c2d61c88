import Foundation
import Logging
import Synchronization

/// The thread that owns one consuming connection: it takes the subscriptions' leases, declares their queues,
/// receives deliveries in windows and sends the settlements it is handed back (ack, or requeue). Several queues
/// consumed on one connection share its windows (each delivery names its queue).
///
/// A window is what the broker has sent so far, up to half the prefetch: the other half keeps coming while
/// a window is handled, so that the consumer never waits for the broker between windows. The windows that
/// arrived while the consumer was busy are taken together (``nextWindow()``): under load a consumer handles
/// what is waiting in one go — one settle, one group commit per store, one batch of directory placements for
/// tracking's router — instead of a train of small windows, and adds no wait when idle.
///
/// A delivery's tag is only valid on the connection that delivered it: each connection gets a new
/// generation, and settlements of an older generation are dropped (the broker has already put
/// those messages back in the queue, so they come again and the inbox absorbs the duplicate).
final class AMQPConsumerThread: Sendable {
    struct Received: Sendable {
        var delivery: Delivery
        var tag: UInt64
        var generation: Int
    }

    /// A settlement waiting for the owner thread: `requeue` false is basic.ack, true basic.nack with requeue;
    /// `multiple` settles every unsettled delivery up to `tag` as well.
    private struct Outcome {
        var tag: UInt64
        var generation: Int
        var requeue: Bool
        var multiple = false
    }

    private struct State {
        var outcomes: [Outcome] = []
        var stopped = false
        var receiving = true
        var generation = 0
        var connected = false
        /// Why consuming stopped for good (a lease held elsewhere that must not be waited for).
        var failure: (any Error)?
    }

    private let endpoint: AMQPEndpoint
    private let subscriptions: [Subscription]
    /// The queues consumed: the subscriptions', or one of their delay queues.
    private let queues: [String]
    private let topology: AMQPTopology
    private let logger: Logger
    private let state = Mutex(State())
    private let windowSize: Int
    private let finished = DispatchSemaphore(value: 0)
    /// Windows received and not yet taken, and the consumer waiting for one.
    private let inbound = Mutex(Inbound())
    /// The most deliveries ``nextWindow()`` hands out at once (whole windows; at least one).
    private let mergeLimit: Int

    private struct Inbound {
        var windows: [[Received]] = []
        var waiter: CheckedContinuation<[Received]?, Never>?
        var finished = false
    }

    /// - Parameter queue: the queue to consume, when not the subscriptions' own (a delay queue, whose mover takes
    ///   no lease); the subscriptions' queues are declared on every connection either way.
    init(
        endpoint: AMQPEndpoint, subscriptions: [Subscription], topology: AMQPTopology, logger: Logger,
        queue: String? = nil
    ) {
        precondition(!subscriptions.isEmpty, "nothing to consume")
        self.endpoint = endpoint
        self.subscriptions =
            queue == nil
            ? subscriptions
            : subscriptions.map {
                var shared = $0
                shared.lease = nil
                return shared
            }
        self.queues = queue.map { [$0] } ?? subscriptions.map(\.queue)
        self.topology = topology
        self.logger = logger
        self.windowSize = max(1, subscriptions[0].prefetch / 2)
        self.mergeLimit = windowSize * max(1, queues.count)
        let thread = Thread { [self] in self.loop() }
        thread.name = "amqp-consume-\(queues[0])" + (queues.count > 1 ? "+\(queues.count - 1)" : "")
        thread.start()
    }

    var isConnected: Bool { state.withLock { $0.connected } }

    /// Why the thread stopped consuming for good, if it did (a lease held by another process).
    var failure: (any Error)? { state.withLock { $0.failure } }

    /// Queues the settlements of a window, in order; sent by the owner thread within milliseconds.
    ///
    /// `requeue` true hands a delivery back to the queue (basic.nack, requeue) so that it is delivered again:
    /// for a delivery that could not be settled (its retry or park was not stored), leaving it unacknowledged
    /// would keep it out of the queue for as long as this connection lives. When the whole window is
    /// acknowledged, one basic.ack with `multiple` does it: windows are settled in order, so every delivery
    /// of the connection up to the window's last is either in it or settled already.
    func settle(_ window: [(received: Received, requeue: Bool)]) {
        guard let last = window.last?.received else { return }
        let outcomes: [Outcome]
        if window.allSatisfy({ !$0.requeue }) {
            outcomes = [Outcome(tag: last.tag, generation: last.generation, requeue: false, multiple: window.count > 1)]
        } else {
            outcomes = window.map {
                Outcome(tag: $0.received.tag, generation: $0.received.generation, requeue: $0.requeue)
            }
        }
        state.withLock { $0.outcomes.append(contentsOf: outcomes) }
    }

    /// Stops taking deliveries from the broker and ends the stream; settlements queued until
    /// `stop()` are still sent.
    func stopReceiving() {
        state.withLock { $0.receiving = false }
        finish()
    }

    /// The next window to handle: every window received since the last call (up to ``mergeLimit``
    /// deliveries, all of one connection), or the next to arrive; nil once receiving stopped.
    func nextWindow() async -> [Received]? {
        if let ready = inbound.withLock({ take(&$0) }) { return ready }
        return await withCheckedContinuation { (waiting: CheckedContinuation<[Received]?, Never>) in
            let answer = inbound.withLock { inbound -> [Received]?? in
                if let ready = take(&inbound) { return .some(ready) }
                if inbound.finished { return .some(nil) }
                inbound.waiter = waiting
                return .none
            }
            if let answer { waiting.resume(returning: answer) }
        }
    }

    /// Takes the windows waiting, oldest first, while they fit the limit and come from one connection.
    private func take(_ inbound: inout Inbound) -> [Received]? {
        guard !inbound.windows.isEmpty else { return nil }
        var merged = inbound.windows[0]
        var taken = 1
        while taken < inbound.windows.count, merged.count + inbound.windows[taken].count <= mergeLimit,
            inbound.windows[taken].first?.generation == merged.last?.generation
        {
            merged += inbound.windows[taken]
            taken += 1
        }
        inbound.windows.removeFirst(taken)
        return merged
    }

    private func deliver(_ window: [Received]) {
        let waiter = inbound.withLock { inbound -> CheckedContinuation<[Received]?, Never>? in
            guard let waiter = inbound.waiter else {
                inbound.windows.append(window)
                return nil
            }
            inbound.waiter = nil
            return waiter
        }
        waiter?.resume(returning: window)
    }

    /// No more windows: a waiting consumer gets nil (windows not taken yet are never handled).
    private func finish() {
        let waiter = inbound.withLock { inbound -> CheckedContinuation<[Received]?, Never>? in
            inbound.finished = true
            inbound.windows = []
            defer { inbound.waiter = nil }
            return inbound.waiter
        }
        waiter?.resume(returning: nil)
    }

    /// Stops consuming: sends the settlements queued so far, then closes the connection; unacknowledged deliveries go back to the queue when the connection closes.
    func stop() {
        let first = state.withLock { state -> Bool in
            defer { state.stopped = true }
            return !state.stopped
        }
        if first { finished.wait() }
    }

    private func loop() {
        var backoff = Duration.milliseconds(100)
        var logged = false
        var standingBy = false
        var warnedLegacyDeadLetters = false
        while !state.withLock({ $0.stopped }) {
            do {
                let session = try AMQPSession.connect(endpoint, heartbeatSeconds: 30, confirms: false)
                // Leases first: an instance standing by retries this often, and declaring is not needed for it.
                for subscription in subscriptions {
                    guard let lease = subscription.lease else { continue }
                    do {
                        try session.takeLease(lease.name)
                    } catch is AMQPLeaseHeld {
                        throw LeaseHeld(lease: lease.name, queue: subscription.queue)
                    }
                }
                for subscription in subscriptions {
                    if try !topology.declare(subscription, on: session), !warnedLegacyDeadLetters {
                        warnedLegacyDeadLetters = true
                        logger.warning(
                            AMQPTopology.legacyDeadLetterQueueWarning,
                            metadata: ["amqp.queue": "\(subscription.deadLetterQueue)"])
                    }
                }
                try session.setPrefetch(subscriptions[0].prefetch)
                for queue in queues { try session.consume(queue: queue) }
                let generation = state.withLock { state -> Int in
                    state.generation += 1
                    state.connected = true
                    state.outcomes = []
                    return state.generation
                }
                if logged || standingBy {
                    logger.info(
                        standingBy ? "lease taken over: consuming" : "consumer reconnected",
                        metadata: ["amqp.queue": "\(queues[0])", "amqp.node": "\(session.node)"])
                }
                logged = false
                standingBy = false
                backoff = .milliseconds(100)
                try consume(session, generation: generation)
                state.withLock { $0.connected = false }
                break
            } catch let held as LeaseHeld {
                state.withLock { $0.connected = false }
                let whenHeld = subscriptions.first { $0.lease?.name == held.lease }?.lease?.whenHeld ?? .refuse
                if whenHeld == .refuse {
                    logger.error("\(held.description)", metadata: ["amqp.queue": "\(held.queue)"])
                    state.withLock { $0.failure = held }
                    break
                }
                if !standingBy {
                    logger.info(
                        "standing by: another process holds the lease of this queue",
                        metadata: ["amqp.queue": "\(held.queue)", "lease": "\(held.lease)"])
                    standingBy = true
                }
                pause(.seconds(2))
            } catch {
                state.withLock { $0.connected = false }
                if !logged {
                    logger.warning(
                        "consumer connection lost, reconnecting",
                        metadata: ["amqp.queue": "\(queues[0])", "error": "\(error)"])
                    logged = true
                }
                pause(backoff)
                backoff = min(backoff * 2, .seconds(3))
            }
        }
        finish()
        finished.signal()
    }

    /// Sleeps for `duration`, cut short when the thread is stopped.
    private func pause(_ duration: Duration) {
        let deadline = ContinuousClock.now + duration
        while ContinuousClock.now < deadline, !state.withLock({ $0.stopped }) {
            Thread.sleep(forTimeInterval: 0.02)
        }
    }

    /// Receives and acknowledges until stopped; throws when the connection fails.
    private func consume(_ session: AMQPSession, generation: Int) throws {
        while true {
            let (outcomes, stopped, receiving) = state.withLock { state -> ([Outcome], Bool, Bool) in
                defer { state.outcomes = [] }
                return (state.outcomes, state.stopped, state.receiving)
            }
            for outcome in outcomes where outcome.generation == generation {
                if outcome.requeue {
                    try session.nack(outcome.tag, multiple: outcome.multiple, requeue: true)
                } else {
                    try session.ack(outcome.tag, multiple: outcome.multiple)
                }
            }
            if stopped { return }
            guard receiving else {
                Thread.sleep(forTimeInterval: 0.005)
                continue
            }
            // Waits up to 5 ms for a first delivery (then settlements queued meanwhile are sent), then takes
            // what else has already arrived, without waiting.
            var window: [Received] = []
            var wait = 5_000
            while window.count < windowSize, let next = try session.nextDelivery(microseconds: wait) {
                let delivery = Delivery(
                    message: next.message, attempt: next.attempt,
                    queue: queues.count == 1 ? queues[0] : next.consumerTag, redelivered: next.redelivered)
                window.append(Received(delivery: delivery, tag: next.tag, generation: generation))
                wait = 0
            }
            if !window.isEmpty { deliver(window) }
        }
    }
}
