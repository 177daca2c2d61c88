import Contracts
import Foundation
import GRDB
import Synchronization

/// Which ``PartitionStore`` holds each of the ``TrackingPartitions/count`` partitions.
///
/// The current configuration is ``single(_:)``: one store (one SQLite file) for every partition. A
/// later step gives each partition (or group) a file of its own, and an instance only the partitions
/// it owns: callers already ask for "the store of this session" and never read across sessions on the
/// hot path. The two lookups that are not keyed by session — finding an enrolment's session
/// (``locate(enrolmentID:)``) and xAPI queries — ask every store; with many stores the first becomes
/// the routing table's job.
public final class TrackingStores: Sendable {
    /// The distinct stores, each once.
    public let all: [PartitionStore]
    private let byPartition: [Int: PartitionStore]
    /// Enrolment id → session id, as found (see ``locate(enrolmentID:)``).
    private let sessions = Mutex<[String: String]>([:])

    /// Stores owning disjoint sets of partitions; every partition must be owned by exactly one.
    public init(_ stores: [PartitionStore]) {
        var map: [Int: PartitionStore] = [:]
        for store in stores {
            for partition in store.partitions {
                precondition(map[partition] == nil, "partition \(partition) is owned by two stores")
                map[partition] = store
            }
        }
        precondition(map.count == TrackingPartitions.count, "every partition needs a store")
        self.all = stores
        self.byPartition = map
    }

    /// One store for all partitions: today's configuration.
    public static func single(_ store: PartitionStore) -> TrackingStores { TrackingStores([store]) }

    public func store(forPartition partition: Int) -> PartitionStore { byPartition[partition]! }

    /// The store owning a session's state.
    public func store(forSession sessionID: String) -> PartitionStore {
        store(forPartition: TrackingPartitions.partition(ofSession: sessionID))
    }

    /// The session of an enrolment, if tracking knows the enrolment.
    ///
    /// An enrolment belongs to one session for good (the projector refuses to track it in another), so a found
    /// answer is remembered: the hot path (every progress report) skips a read transaction per store.
    public func locate(enrolmentID: String) async throws -> String? {
        if let known = sessions.withLock({ $0[enrolmentID] }) { return known }
        for store in all {
            let found = try await store.read { db in
                try String.fetchOne(
                    db, sql: "SELECT session_id FROM enrolment WHERE enrolment_id = ?", arguments: [enrolmentID])
            }
            if let found {
                sessions.withLock { $0[enrolmentID] = found }
                return found
            }
        }
        return nil
    }
}
