import Contracts
import Foundation
import Hummingbird
import Messaging
import ServiceSupport

/// `GET /partitions` (operators): this instance's view of the partitions it owns — each partition's queue, the
/// messages waiting in it, when its last event was handled, its outbox — whether it routes the intake now, and the
/// partition map it runs with. `magistere partitions status` gathers it from every instance of a map.
struct PartitionsController: Sendable {
    let stores: TrackingStores
    let naming: PartitionNaming
    let transport: any MessageTransport
    let consumer: EventConsumer
    let router: PartitionRouter
    let map: PartitionMap?
    let instance: String?

    struct Partition: Encodable, Sendable {
        var partition: Int
        var queue: String
        /// Messages ready in the queue (nil when the broker did not answer).
        var depth: Int?
        var lastHandledAt: Date?
        var outboxPending: Int
        var outboxOldestPendingSeconds: Double?
    }

    struct View: Encodable, Sendable {
        var instance: String?
        var mapVersion: Int?
        /// Whether this instance holds the router lease now (moves tracking.events to the partition queues).
        var routing: Bool
        /// Whether the consumer of the owned partitions holds their leases and is attached.
        var consuming: Bool
        var partitions: [Partition]
        /// The map's owner of every partition (absent without a map: this instance owns all).
        var owners: [String: String]?
    }

    func addRoutes(to router: some RouterMethods<ServiceRequestContext>) {
        router.group().add(middleware: NoQueryParameters()).get("partitions") { _, _ in
            JSONResponse(try await self.view())
        }
    }

    func view() async throws -> View {
        var partitions: [Partition] = []
        for partition in stores.owned {
            let queue = naming.queue(ofPartition: partition)
            let outbox = try await stores.store(forPartition: partition).read { db in try Outbox.status(in: db) }
            partitions.append(
                Partition(
                    partition: partition, queue: queue, depth: try? await transport.depth(of: queue),
                    lastHandledAt: consumer.lastHandled(queue: queue), outboxPending: outbox.pending,
                    outboxOldestPendingSeconds: outbox.oldestPendingAge))
        }
        let owners = map.map { map in
            Dictionary(
                uniqueKeysWithValues: (0..<TrackingPartitions.count).map { ("\($0)", map.owner(of: $0)?.name ?? "") })
        }
        return View(
            instance: instance, mapVersion: map?.version, routing: router.isRouting, consuming: consumer.isRunning,
            partitions: partitions, owners: owners)
    }
}
