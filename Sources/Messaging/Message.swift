import Foundation

/// A message on the bus: a structured-mode CloudEvent (its JSON is `body`) and the attributes a
/// transport needs to route it without parsing the body.
public struct Message: Sendable, Equatable {
    /// CloudEvents `id`; AMQP `message_id`. The inbox deduplicates on it.
    public var id: String
    /// CloudEvents `type`; the routing key.
    public var type: String
    /// CloudEvents `source`; AMQP `app_id` carries the service name.
    public var source: String
    public var subject: String?
    public var time: Date
    /// The whole CloudEvent as JSON (`application/cloudevents+json`).
    public var body: Data
    /// Extra headers: `traceparent`, and the transport's own `x-magistere-*` bookkeeping.
    public var headers: [String: String]

    public init(
        id: String, type: String, source: String, subject: String?, time: Date, body: Data,
        headers: [String: String] = [:]
    ) {
        self.id = id
        self.type = type
        self.source = source
        self.subject = subject
        self.time = time
        self.body = body
        self.headers = headers
    }

    /// The W3C trace context this message carries, if any.
    public var traceparent: String? { headers[MessageHeader.traceparent] }

    /// The broker user that published the message, as the broker vouched for it (AMQP `user_id`); nil on a
    /// bus without users (the embedded one, in one process).
    public var publishedBy: String? { headers[MessageHeader.publishedBy] }
}

/// Header names the platform sets on messages.
public enum MessageHeader {
    public static let traceparent = "traceparent"
    /// 1-based delivery attempt, counted by the platform's retry (not by broker redeliveries).
    public static let attempt = "x-magistere-attempt"
    /// Why the message was last retried or parked.
    public static let reason = "x-magistere-reason"
    /// When it was parked (RFC 3339).
    public static let parkedAt = "x-magistere-parked-at"
    /// The queue it was consumed from when it was parked or retried.
    public static let queue = "x-magistere-queue"
    /// The broker user that first published it (from AMQP `user_id`), kept through retries and replays.
    public static let publishedBy = "x-magistere-published-by"
    /// On a message waiting in a delay queue: when it goes back to its queue (milliseconds since 1970).
    public static let retryAt = "x-magistere-retry-at"
    /// On an event a subscriber asked to be sent again: the replay's id (the event keeps its original id).
    public static let replay = "x-magistere-replay"
}

/// One delivery of a message to a consumer.
public struct Delivery: Sendable {
    public var message: Message
    /// 1 for the first attempt, then 2, 3… after each retry.
    public var attempt: Int
    /// The consuming queue.
    public var queue: String
    /// True when the transport knows this message may have been delivered before (e.g. after a reconnect).
    public var redelivered: Bool

    public init(message: Message, attempt: Int, queue: String, redelivered: Bool) {
        self.message = message
        self.attempt = attempt
        self.queue = queue
        self.redelivered = redelivered
    }
}

/// What becomes of a delivery once its handler has run.
public enum Settlement: Sendable, Equatable {
    /// Done: the effect is committed; remove the message.
    case ack
    /// Try again later, as attempt `attempt + 1`.
    case retry(after: Duration, reason: String)
    /// Move to the queue's dead-letter queue, where an operator can inspect and replay it.
    case park(reason: String)
    /// Not handled (the consumer is stopping): back to the queue as it was, delivered again later.
    case handBack
}

/// How often and how late a failing message is tried again before it is parked.
public struct RetryPolicy: Sendable, Equatable {
    /// The delay before each retry: attempt 1 fails → `delays[0]`, and so on; the last delay repeats.
    public var delays: [Duration]
    /// Attempts in all (the first one included) before the message is parked.
    public var maxAttempts: Int

    public init(delays: [Duration], maxAttempts: Int) {
        precondition(!delays.isEmpty && maxAttempts >= 1)
        self.delays = delays
        self.maxAttempts = maxAttempts
    }

    /// 1 s, 5 s, 30 s, 2 min; parked after the 6th attempt.
    public static let standard = RetryPolicy(
        delays: [.seconds(1), .seconds(5), .seconds(30), .seconds(120)], maxAttempts: 6)

    /// The delay after a failed `attempt` (1-based), or nil when the message must be parked instead.
    public func delay(afterAttempt attempt: Int) -> Duration? {
        guard attempt < maxAttempts else { return nil }
        return delays[min(max(attempt - 1, 0), delays.count - 1)]
    }
}

/// A consuming service's queue, the routing keys bound to it and how it is consumed.
public struct Subscription: Sendable, Equatable {
    /// The durable queue's name, e.g. `enrolment.events`. Its dead letters go to `<queue>.dead`.
    public var queue: String
    /// Routing keys (AMQP topic patterns: `*` one word, `#` any) bound from the domain exchange.
    public var bindings: [String]
    /// Deliveries the broker may push before they are settled.
    public var prefetch: Int
    public var retry: RetryPolicy
    /// Held by one consumer at a time across processes: see ``Lease``. Nil: any number of consumers share the queue.
    public var lease: Lease?
    /// The prefix of shared delay queues (`<group>.delay.<ms>ms`) used instead of the queue's own: many queues
    /// consumed together (tracking's partitions) then need one set of delay queues and one mover per delay, not
    /// one per queue. A retried message goes back to the queue it failed in (its `x-magistere-queue` header).
    public var delayGroup: String?
    /// Declares the queue with `x-single-active-consumer`: the broker delivers to one consumer at a time even
    /// if two attach, so that per-queue order holds whatever happens to the lease.
    public var singleActiveConsumer: Bool

    public init(
        queue: String, bindings: [String], prefetch: Int = 64, retry: RetryPolicy = .standard, lease: Lease? = nil,
        delayGroup: String? = nil, singleActiveConsumer: Bool = false
    ) {
        self.queue = queue
        self.bindings = bindings
        self.prefetch = prefetch
        self.retry = retry
        self.lease = lease
        self.delayGroup = delayGroup
        self.singleActiveConsumer = singleActiveConsumer
    }

    /// The prefix of this subscription's delay queues: its group's, or its own queue's.
    public var delayPrefix: String { delayGroup ?? queue }

    /// The queue holding this subscription's parked messages.
    public var deadLetterQueue: String { Self.deadLetterQueue(of: queue) }

    public static func deadLetterQueue(of queue: String) -> String { queue + ".dead" }
}

/// Proof, held on the consuming connection, that one process alone consumes a queue: on RabbitMQ an
/// exclusive queue named `name` declared on that connection (the broker refuses a second one and deletes
/// it when the connection goes away, however it ends: a `kill -9` included).
///
/// RabbitMQ 3.10 ignores `exclusive` on a consumer of a quorum queue, so the lease is a queue of its own.
public struct Lease: Sendable, Equatable {
    public enum WhenHeld: Sendable, Equatable {
        /// Another live process holds it: a misconfiguration. Consuming fails with ``LeaseHeld``.
        case refuse
        /// Another live process holds it: stand by, and take over when that process goes away.
        case wait
    }

    public var name: String
    public var whenHeld: WhenHeld

    public init(name: String, whenHeld: WhenHeld) {
        self.name = name
        self.whenHeld = whenHeld
    }
}

/// Consuming was refused: another live process holds the lease of a queue (``Lease/WhenHeld/refuse``).
public struct LeaseHeld: Error, Sendable, CustomStringConvertible {
    public var lease: String
    public var queue: String
    public var description: String {
        "another live process consumes \(queue) (it holds the lease \(lease)): refusing to consume it too"
    }
}

/// A parked message, as an operator sees it.
public struct ParkedMessage: Sendable, Equatable {
    public var message: Message
    public var reason: String
    public var parkedAt: Date?
    public var attempts: Int
}
