import Foundation
import Logging
import Synchronization

/// The thread that owns one consuming connection: it declares the subscription's queues, receives
/// deliveries into an async stream of windows and sends the settlements it is handed back (ack, or requeue).
///
/// A window is what the broker has sent so far, up to half the prefetch: the other half keeps coming while
/// a window is handled, so that the consumer never waits for the broker between windows.
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
    }

    private let endpoint: AMQPEndpoint
    private let subscription: Subscription
    /// The queue consumed: the subscription's, or one of its delay queues.
    private let queue: String
    private let topology: AMQPTopology
    private let logger: Logger
    private let state = Mutex(State())
    private let windowSize: Int
    private let finished = DispatchSemaphore(value: 0)
    private let output: AsyncStream<[Received]>.Continuation
    let windows: AsyncStream<[Received]>

    /// - Parameter queue: the queue to consume, when not the subscription's own (a delay queue); the
    ///   subscription's queues are declared on every connection either way.
    init(
        endpoint: AMQPEndpoint, subscription: Subscription, topology: AMQPTopology, logger: Logger,
        queue: String? = nil
    ) {
        self.endpoint = endpoint
        self.subscription = subscription
        self.queue = queue ?? subscription.queue
        self.topology = topology
        self.logger = logger
        self.windowSize = max(1, subscription.prefetch / 2)
        (windows, output) = AsyncStream.makeStream(of: [Received].self)
        let thread = Thread { [self] in self.loop() }
        thread.name = "amqp-consume-\(self.queue)"
        thread.start()
    }

    var isConnected: Bool { state.withLock { $0.connected } }

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
        output.finish()
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
        var warnedLegacyDeadLetters = false
        while !state.withLock({ $0.stopped }) {
            do {
                let session = try AMQPSession.connect(endpoint, heartbeatSeconds: 30, confirms: false)
                if try !topology.declare(subscription, on: session), !warnedLegacyDeadLetters {
                    warnedLegacyDeadLetters = true
                    logger.warning(
                        AMQPTopology.legacyDeadLetterQueueWarning,
                        metadata: ["amqp.queue": "\(subscription.deadLetterQueue)"])
                }
                try session.consume(queue: queue, prefetch: subscription.prefetch)
                let generation = state.withLock { state -> Int in
                    state.generation += 1
                    state.connected = true
                    state.outcomes = []
                    return state.generation
                }
                if logged {
                    logger.info(
                        "consumer reconnected",
                        metadata: ["amqp.queue": "\(queue)", "amqp.node": "\(session.node)"])
                }
                logged = false
                backoff = .milliseconds(100)
                try consume(session, generation: generation)
                state.withLock { $0.connected = false }
                break
            } catch {
                state.withLock { $0.connected = false }
                if !logged {
                    logger.warning(
                        "consumer connection lost, reconnecting",
                        metadata: ["amqp.queue": "\(queue)", "error": "\(error)"])
                    logged = true
                }
                let deadline = ContinuousClock.now + backoff
                while ContinuousClock.now < deadline, !state.withLock({ $0.stopped }) {
                    Thread.sleep(forTimeInterval: 0.02)
                }
                backoff = min(backoff * 2, .seconds(3))
            }
        }
        output.finish()
        finished.signal()
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
                    message: next.message, attempt: next.attempt, queue: queue,
                    redelivered: next.redelivered)
                window.append(Received(delivery: delivery, tag: next.tag, generation: generation))
                wait = 0
            }
            if !window.isEmpty { output.yield(window) }
        }
    }
}
