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
/// instance holds its lease) moves to the partition queues, then the partition's queue, consumed by its owner. The
/// watermark is the older of the two: the intake's, sampled here every ``interval`` from the broker (an empty
/// intake at the sample: everything sent before it was routed), and the partition consumer's own. Both count the
/// messages waiting, not a window in hand (at most the prefetch, routed or committed within moments); an event
/// waiting in a delay queue to be retried is not counted either. Nil — no header — until both are known.
final class ConsistencyWatermark: Service, Sendable {
    private let transport: any MessageTransport
    private let naming: PartitionNaming
    private let host: PartitionHost
    private let interval: Duration
    private let intake = Mutex<Date?>(nil)

    init(
        transport: any MessageTransport, naming: PartitionNaming, host: PartitionHost, interval: Duration = .seconds(5)
    ) {
        self.transport = transport
        self.naming = naming
        self.host = host
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

    /// Samples the intake once: empty, everything sent before the sample has been routed.
    func sample() async {
        let sampled = Date()
        guard let depth = try? await transport.depth(of: naming.intakeQueue), depth == 0 else { return }
        intake.withLock { $0 = max(sampled, $0 ?? sampled) }
    }

    /// The watermark of a partition owned here, or nil when it is not known (yet).
    func through(partition: Int) -> Date? {
        guard let routed = intake.withLock({ $0 }),
            let applied = host.consumer?.appliedThrough(queue: naming.queue(ofPartition: partition))
        else { return nil }
        return min(routed, applied)
    }

    /// The watermark of a session's partition.
    func through(session sessionID: String) -> Date? {
        through(partition: TrackingPartitions.partition(ofSession: sessionID))
    }
}
