import Contracts
import Foundation
import Messaging
import ServiceLifecycle
import Synchronization

/// How complete tracking's reads that depend on other services' events are (the trainer's table, an enrolment's
/// progress): `X-Consistent-Through` — every event sent to tracking before that instant (an approval, a withdrawal, a
/// change of staff) has been applied in the session's partition.
///
/// Events reach a partition in two hops: the intake queue (`tracking.events`), which the router (on whichever
/// instance holds its lease) moves to the partition queues, then the partition's queue, consumed by its owner. Every
/// ``interval`` the intake is sampled from the broker and, when it is empty at T, each owned partition's queue right
/// after: a partition whose queue is empty too has applied everything sent to tracking before T, and T becomes its
/// watermark (it only moves forward). Both samples count the messages waiting, not a window in hand (at most a
/// prefetch, routed or committed within moments), and an event waiting in a delay queue to be retried is not counted.
/// Nil — no header — until a partition has had such a pair of samples on this instance.
final class ConsistencyWatermark: Service, Sendable {
    private let transport: any MessageTransport
    private let naming: PartitionNaming
    private let owned: @Sendable () -> [Int]
    private let interval: Duration
    private let watermarks = Mutex<[Int: Date]>([:])

    init(
        transport: any MessageTransport, naming: PartitionNaming, owned: @escaping @Sendable () -> [Int],
        interval: Duration = .seconds(5)
    ) {
        self.transport = transport
        self.naming = naming
        self.owned = owned
        self.interval = interval
    }

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                while true {
                    await self.sample()
                    try await Task.sleep(for: self.interval)
                }
            }
        } catch is CancellationError {}
    }

    /// Samples the intake, then (when it is empty) each owned partition's queue.
    func sample() async {
        let sampled = Date()
        guard let intake = try? await transport.depth(of: naming.intakeQueue), intake == 0 else { return }
        for partition in owned() {
            guard let depth = try? await transport.depth(of: naming.queue(ofPartition: partition)), depth == 0 else {
                continue
            }
            watermarks.withLock { $0[partition] = max(sampled, $0[partition] ?? sampled) }
        }
    }

    /// The watermark of a partition, or nil when it is not known (yet).
    func through(partition: Int) -> Date? { watermarks.withLock { $0[partition] } }

    /// The watermark of a session's partition.
    func through(session sessionID: String) -> Date? {
        through(partition: TrackingPartitions.partition(ofSession: sessionID))
    }
}
