import Contracts
import Foundation
import Logging
import Messaging
import Metrics
import ServiceLifecycle

/// Moves what arrives in tracking's intake queue (`tracking.events`, bound to the domain exchange) to the
/// partition queues, so that producers stay unaware of partitions and each partition's owner sees only its
/// sessions, in order.
///
/// An event with a `data.sessionID` goes to that session's partition; any other (a course published: reference
/// data every partition keeps), and an enrolment's placement in a session (every partition keeps the directory of
/// enrolments), goes to every partition. Each window is sent to the partition queues
/// (confirmed) before it is acknowledged: a crash in between sends it again, and each partition's inbox
/// drops the copy. One instance routes at a time (it holds the router lease; the others stand by and take
/// over when it goes away), so the intake's order is kept: per session, events reach their partition in the
/// order they were published.
///
/// Messages keep their id, headers and the broker-vouched publisher (`x-magistere-published-by`, kept because
/// tracking's own user re-sends them): the partition consumer checks type, schema and publisher as the intake
/// consumer used to. Only what is not a CloudEvent at all is parked here.
public final class PartitionRouter: Service, EventSubscriber, Sendable {
    public let subscription: Subscription
    /// Every partition's subscription: declared before routing, so that nothing routed is unroutable.
    public let partitionSubscriptions: [Subscription]
    private let naming: PartitionNaming
    /// Event types sent to every partition although they name a session (placements of enrolments: every
    /// partition keeps the directory of enrolments).
    private let broadcast: Set<String>
    private let transport: any MessageTransport
    private let logger: Logger

    public init(
        transport: any MessageTransport, naming: PartitionNaming, bindings: [String],
        partitionSubscriptions: [Subscription], broadcast: Set<String> = [], prefetch: Int = 64,
        retry: RetryPolicy = .standard, logger: Logger
    ) {
        self.transport = transport
        self.broadcast = broadcast
        self.naming = naming
        self.partitionSubscriptions = partitionSubscriptions
        self.subscription = Subscription(
            queue: naming.intakeQueue, bindings: bindings, prefetch: prefetch, retry: retry,
            lease: Lease(name: naming.routerLease, whenHeld: .wait))
        self.logger = logger
    }

    /// The intake and every partition's queues.
    public var subscriptions: [Subscription] { [subscription] + partitionSubscriptions }

    /// Whether this instance routes now (it holds the lease and is attached).
    public var isRouting: Bool { transport.isAttached(toQueue: subscription.queue) }

    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                try await self.declarePartitions()
                try await self.transport.consumeWindows([self.subscription]) { window in await self.route(window) }
            }
        } catch is CancellationError {
            // Shutting down: a window in hand was sent and acknowledged, or goes back to the intake.
        }
    }

    /// Declares every partition's queues, retrying while the bus is away.
    private func declarePartitions() async throws {
        var pause = Duration.milliseconds(100)
        while true {
            do {
                for subscription in partitionSubscriptions { try await transport.declare(subscription) }
                return
            } catch {
                try Task.checkCancellation()
                logger.warning("could not declare the partition queues, retrying", metadata: ["error": "\(error)"])
                try await Task.sleep(for: pause)
                pause = min(pause * 2, .seconds(3))
            }
        }
    }

    /// The partitions a message goes to: its session's, or all of them; nil when it is not a CloudEvent.
    func partitions(of message: Message) -> [Int]? {
        guard let routed = try? EventCoding.decode(Routed.self, from: message.body) else { return nil }
        if let session = routed.data?.sessionID, !broadcast.contains(routed.type) {
            return [TrackingPartitions.partition(ofSession: session)]
        }
        return Array(0..<TrackingPartitions.count)
    }

    /// Sends a window to its partitions; acknowledges it once all is confirmed, hands it back otherwise.
    func route(_ window: [Delivery]) async -> [Settlement] {
        var items: [(queue: String, message: Message)] = []
        var settlements: [Settlement] = []
        for delivery in window {
            guard let partitions = partitions(of: delivery.message) else {
                logger.error(
                    "event parked in the dead-letter queue",
                    metadata: [
                        "event.id": "\(delivery.message.id)", "amqp.queue": "\(subscription.queue)",
                        "reason": "not a CloudEvent",
                    ])
                settlements.append(.park(reason: "not a CloudEvent: it names no session to route it by"))
                continue
            }
            for partition in partitions { items.append((naming.queue(ofPartition: partition), delivery.message)) }
            settlements.append(.ack)
        }
        do {
            try await transport.send(items)
            Counter(label: "magistere_tracking_routed_total").increment(by: window.count)
            return settlements
        } catch {
            logger.warning(
                "could not send events to their partitions: handing them back to the intake",
                metadata: ["amqp.queue": "\(subscription.queue)", "error": "\(error)"])
            try? await Task.sleep(for: .milliseconds(500))
            return window.map { _ in .handBack }
        }
    }

    /// What the router reads of a CloudEvent.
    private struct Routed: Decodable {
        struct Data: Decodable {
            var sessionID: String?
        }
        var specversion: String
        var type: String
        var data: Data?
    }
}
