import Contracts
import Foundation

/// A way to move messages between services: AMQP 0-9-1 (``AMQPTransport``) in deployments, or the
/// embedded SQLite-backed transport (``EmbeddedTransport``) in the one-process mode.
///
/// Both keep the same contract: publishing returns only once the messages are safely stored by the
/// bus (broker confirm / committed); consuming is at-least-once with settlement after the handler.
public protocol MessageTransport: Sendable {
    /// Publishes to the domain exchange, in order; returns once every message is confirmed.
    ///
    /// A message that no queue is bound to receive (nobody subscribes to its type) is not an error:
    /// the receipt names it, and the caller decides (the outbox relay counts and records it).
    @discardableResult
    func publish(_ messages: [Message]) async throws -> PublishReceipt

    /// Declares the subscription's queues and bindings (idempotent), so that messages published from
    /// now on are kept for it even before anyone consumes.
    func declare(_ subscription: Subscription) async throws

    /// Consumes the subscription window by window until the calling task is cancelled, reconnecting by itself.
    ///
    /// `receive` is called for one window at a time: the deliveries that are ready (at least one, at most the
    /// subscription's prefetch), in queue order.
    /// It returns their settlements in the same order; the transport settles each delivery as its
    /// ``Settlement`` says (a retry or park is stored before the delivery is removed, so a crash in between
    /// yields a duplicate, never a loss) and acknowledges the window together. A delivery left without a
    /// settlement (fewer returned, as when the consumer is cancelled) goes back to the queue.
    ///
    /// Several subscriptions are consumed together on one connection (tracking's partitions): a window then
    /// mixes their deliveries (each names its queue), in the order they came, each queue's in its order.
    /// A subscription with a ``Lease`` is consumed only while the lease is held; one held elsewhere either fails
    /// the call with ``LeaseHeld`` or waits for it, as the lease says.
    func consumeWindows(
        _ subscriptions: [Subscription], _ receive: @escaping @Sendable ([Delivery]) async -> [Settlement]
    ) async throws

    /// Sends messages straight to queues (not through the domain exchange), in order; returns once every one is
    /// stored. Throws when a queue does not exist: nothing is then known to be stored.
    func send(_ items: [(queue: String, message: Message)]) async throws

    /// Throws unless the bus is reachable now (for `/ready`).
    func checkConnection() async throws

    /// Messages waiting in a queue, a consumer's backlog, for its metrics: on RabbitMQ the ready ones; on the
    /// embedded bus every message not yet settled (delivered ones included).
    func depth(of queue: String) async throws -> Int

    /// The broker user whose messages of `producer`'s event types consumers accept, when the bus has users
    /// (RabbitMQ's `user_id`); nil on a bus without them.
    func expectedPublisher(of producer: ServiceName) -> String?

    /// Whether this process's consumer of `queue` is attached to it now (its connection up, consuming).
    func isAttached(toQueue queue: String) -> Bool
}

extension MessageTransport {
    /// Consumes one subscription window by window (see ``consumeWindows(_:_:)-([Subscription],_)``).
    public func consumeWindows(
        _ subscription: Subscription, _ receive: @escaping @Sendable ([Delivery]) async -> [Settlement]
    ) async throws {
        try await consumeWindows([subscription], receive)
    }

    /// Consumes the subscription until the calling task is cancelled, reconnecting by itself.
    ///
    /// `receive` is called for one delivery at a time, in queue order (see ``consumeWindows(_:_:)``).
    public func consume(
        _ subscription: Subscription, _ receive: @escaping @Sendable (Delivery) async -> Settlement
    ) async throws {
        try await consumeWindows(subscription) { window in
            var settlements: [Settlement] = []
            settlements.reserveCapacity(window.count)
            for delivery in window {
                if Task.isCancelled { break }
                settlements.append(await receive(delivery))
            }
            return settlements
        }
    }

    public func expectedPublisher(of producer: ServiceName) -> String? { nil }

    /// In-process buses have no connection to lose: a running consumer is attached.
    public func isAttached(toQueue queue: String) -> Bool { true }
}

/// The operator's side of dead letters, apart from the services' narrow port (``MessageTransport``): only
/// `magistere dead-letters` and the tests browse and replay parked messages; services park, they never read back.
public protocol DeadLetterAdministration: Sendable {
    /// Up to `limit` parked messages of a queue, oldest first, left in place.
    func parkedMessages(queue: String, limit: Int) async throws -> [ParkedMessage]

    /// Moves up to `limit` parked messages of a queue back to it as first attempts. Returns how many.
    func replayParked(queue: String, limit: Int) async throws -> Int
}

/// What the bus did with a batch of messages it confirmed.
public struct PublishReceipt: Sendable, Equatable {
    /// Positions, in the published batch, of the messages that reached no queue: none was bound to
    /// their routing key. The bus confirmed and dropped them.
    public var unroutable: [Int]

    public init(unroutable: [Int] = []) {
        self.unroutable = unroutable
    }
}

/// The bus could not do what was asked; the operation may succeed later.
public struct TransportError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
