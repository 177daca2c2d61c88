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
/// data every partition keeps) goes to every partition. An enrolment's placement in a session goes to its
/// session's partition, and every partition (each keeps the whole directory of enrolments) receives the window's
/// placements as one ``DirectoryPlacements`` message. Each window is sent to the partition queues
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
        partitionSubscriptions: [Subscription], broadcast: Set<String> = [], prefetch: Int = 256,
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

    /// Where a message goes: its session's partition, or every partition; a placement (verified as its producer's)
    /// to its session's partition, the others learning it from the window's ``DirectoryPlacements``; nil when it
    /// is not a CloudEvent.
    func destination(of message: Message) -> (partitions: [Int], placement: DirectoryPlacements.Entry?)? {
        guard let routed = try? EventCoding.decode(Routed.self, from: message.body) else { return nil }
        guard let session = routed.data?.sessionID else { return (Array(0..<TrackingPartitions.count), nil) }
        let own = TrackingPartitions.partition(ofSession: session)
        guard broadcast.contains(routed.type) else { return ([own], nil) }
        // Only a placement its producer's broker user published (or a bus without users) goes into the directory
        // by batch; any other goes to its session's partition alone, whose consumer parks it.
        let expected = transport.expectedPublisher(of: .enrolment)
        guard let enrolment = routed.data?.enrolmentID, let participant = routed.data?.participantID,
            expected == nil || message.publishedBy == expected
        else { return ([own], nil) }
        return ([own], .init(enrolmentID: enrolment, sessionID: session, participantID: participant))
    }

    /// Sends a window to its partitions; acknowledges it once all is confirmed, hands it back otherwise.
    func route(_ window: [Delivery]) async -> [Settlement] {
        var items: [(queue: String, message: Message)] = []
        var settlements: [Settlement] = []
        var placements: [DirectoryPlacements.Entry] = []
        var placementIDs: [String] = []
        for delivery in window {
            guard let (partitions, placement) = destination(of: delivery.message) else {
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
            if let placement {
                placements.append(placement)
                placementIDs.append(delivery.message.id)
            }
            settlements.append(.ack)
        }
        do {
            if !placements.isEmpty {
                // One directory message per partition for the whole window, its id derived from the placements'
                // (a window sent again sends the same batch again; applying it twice changes nothing).
                let batch = DirectoryPlacements(entries: placements)
                let message = try Message.event(batch, id: "directory-\(Self.digest(placementIDs))", time: Date())
                for partition in 0..<TrackingPartitions.count {
                    items.append((naming.queue(ofPartition: partition), message))
                }
            }
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

    /// A short stable digest of message ids (FNV-1a, 64 bits, hex).
    static func digest(_ ids: [String]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in ids.joined(separator: "\n").utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return String(hash, radix: 16) + "-\(ids.count)"
    }

    /// What the router reads of a CloudEvent.
    private struct Routed: Decodable {
        struct Data: Decodable {
            var sessionID: String?
            var enrolmentID: String?
            var participantID: String?
        }
        var specversion: String
        var type: String
        var data: Data?
    }
}
