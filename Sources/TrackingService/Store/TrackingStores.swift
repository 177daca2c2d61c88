import Contracts
import Foundation
import GRDB
import Synchronization

/// The ``PartitionStore`` of each partition this instance owns: one SQLite file per partition.
///
/// Callers ask for "the store of this session"; a session of a partition owned by another instance is
/// ``TrackingError/notOwned(partition:)``. The two lookups that are not keyed by session — finding an
/// enrolment's session (``locate(enrolmentID:)``) and xAPI queries — ask every owned store.
public final class TrackingStores: Sendable {
    /// The distinct stores, each once, by partition order.
    public let all: [PartitionStore]
    private let byPartition: [Int: PartitionStore]
    /// Enrolment id → session id, as found (see ``locate(enrolmentID:)``).
    private let sessions = Mutex<[String: String]>([:])

    /// Stores owning disjoint sets of partitions.
    public init(_ stores: [PartitionStore]) {
        var map: [Int: PartitionStore] = [:]
        for store in stores {
            for partition in store.partitions {
                precondition(map[partition] == nil, "partition \(partition) is owned by two stores")
                map[partition] = store
            }
        }
        self.all = stores
        self.byPartition = map
    }

    /// One store for all partitions (tests that need no files per partition).
    public static func single(_ store: PartitionStore) -> TrackingStores { TrackingStores([store]) }

    /// The partitions owned here.
    public var owned: [Int] { byPartition.keys.sorted() }

    public func owns(partition: Int) -> Bool { byPartition[partition] != nil }

    /// The store of a partition owned here.
    public func store(forPartition partition: Int) throws -> PartitionStore {
        guard let store = byPartition[partition] else { throw TrackingError.notOwned(partition: partition) }
        return store
    }

    /// The store owning a session's state.
    public func store(forSession sessionID: String) throws -> PartitionStore {
        try store(forPartition: TrackingPartitions.partition(ofSession: sessionID))
    }

    /// The session of an enrolment, if this instance tracks the enrolment.
    ///
    /// An enrolment belongs to one session for good (the projector refuses to track it in another), so a found
    /// answer is remembered: the hot path (every progress report) skips a read transaction per store.
    public func locate(enrolmentID: String) async throws -> String? {
        if let known = sessions.withLock({ $0[enrolmentID] }) { return known }
        for store in all {
            let found = try await store.read { db in
                try String.fetchOne(
                    db.cachedStatement(sql: "SELECT session_id FROM enrolment WHERE enrolment_id = ?"),
                    arguments: [enrolmentID])
            }
            if let found {
                sessions.withLock { $0[enrolmentID] = found }
                return found
            }
        }
        return nil
    }
}
