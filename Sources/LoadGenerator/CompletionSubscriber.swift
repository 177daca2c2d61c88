import Contracts
import Logging
import Messaging
import NIOCore
import Synchronization

/// An outside system that counts completions: its own queue bound to the events exchange for
/// `tracking.course.completed.v1`, as the README tells subscribers to do.
///
/// It stamps each distinct completion (by event id) with its arrival time, keyed by the event's subject (the
/// enrolment id), so that the campaign can match it with the enrolment's last progress report.
public final class CompletionSubscriber: Sendable {
    public let subscription: Subscription
    private let transport: AMQPTransport
    private let state = Mutex(State())

    struct State {
        var eventIDs: Set<String> = []
        /// First arrival of a completion per enrolment (uptime nanoseconds).
        var arrivals: [String: UInt64] = [:]
        var deliveries = 0
        /// Distinct completion events for an enrolment that already had one (should stay 0).
        var secondCompletions = 0
    }

    /// What the subscriber has seen so far.
    public struct Counts: Sendable {
        public var distinctEvents: Int
        public var deliveries: Int
        public var secondCompletions: Int
        public var arrivals: [String: UInt64]
    }

    /// A subscriber with a queue of its own, `queue`, on the platform's exchange (`topology.exchange`).
    public init(endpoint: AMQPEndpoint, topology: AMQPTopology, queue: String, logger: Logger) {
        transport = AMQPTransport(endpoint: endpoint, topology: topology, logger: logger)
        subscription = Subscription(
            queue: queue, bindings: [CourseCompleted.eventType.rawValue], prefetch: 512,
            retry: Self.noRetry)
    }

    /// Counting never fails, so one retry delay queue is enough (the transport declares one per delay).
    static let noRetry = RetryPolicy(delays: [.seconds(1)], maxAttempts: 1)

    /// Declares the queue and its binding: completions published from now on are kept for it.
    public func declare() async throws {
        try await transport.declare(subscription)
    }

    /// Consumes until the calling task is cancelled.
    public func run() async throws {
        try await transport.consume(subscription) { [self] delivery in
            let now = NIODeadline.now().uptimeNanoseconds
            let message = delivery.message
            self.state.withLock { state in
                state.deliveries += 1
                guard state.eventIDs.insert(message.id).inserted else { return }
                let enrolment = message.subject ?? message.id
                if state.arrivals[enrolment] == nil {
                    state.arrivals[enrolment] = now
                } else {
                    state.secondCompletions += 1
                }
            }
            return .ack
        }
    }

    public var counts: Counts {
        state.withLock {
            Counts(
                distinctEvents: $0.eventIDs.count, deliveries: $0.deliveries, secondCompletions: $0.secondCompletions,
                arrivals: $0.arrivals)
        }
    }

    /// How many of `enrolments` have a completion.
    public func counted(of enrolments: Set<String>) -> Int {
        state.withLock { state in enrolments.reduce(0) { $0 + (state.arrivals[$1] == nil ? 0 : 1) } }
    }

    public func close() { transport.close() }
}
