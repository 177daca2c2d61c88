import Contracts
import Foundation
import GRDB
import Synchronization

/// The ``PartitionStore`` of each partition this instance owns: one SQLite file per partition.
///
/// Callers ask for "the store of this session"; a session of a partition owned by another instance is
/// ``TrackingError/notOwned(partition:)``. Finding an enrolment's session (``placement(of:)``) reads the enrolment
/// directory that every partition's file keeps; xAPI queries across sessions ask every owned store.
public final class TrackingStores: Sendable {
    /// The store of each owned partition; partitions come and go as they are moved between instances.
    private let byPartition: Mutex<[Int: PartitionStore]>
    /// Enrolment id → placement, as found (see ``placement(of:)``): the most recently used ones, bounded.
    private let placements = GenerationalCache<String, DirectoryRow>(capacity: TrackingStores.placementCacheCapacity)
    /// ~100 bytes an entry: a few tens of MB for the enrolments a campaign's peak touches at once.
    static let placementCacheCapacity = 400_000

    /// Stores owning disjoint sets of partitions.
    public init(_ stores: [PartitionStore]) {
        var map: [Int: PartitionStore] = [:]
        for store in stores {
            for partition in store.partitions {
                precondition(map[partition] == nil, "partition \(partition) is owned by two stores")
                map[partition] = store
            }
        }
        self.byPartition = Mutex(map)
    }

    /// One store for all partitions (tests that need no files per partition).
    public static func single(_ store: PartitionStore) -> TrackingStores { TrackingStores([store]) }

    /// The distinct stores, each once, in partition order.
    public var all: [PartitionStore] {
        byPartition.withLock { map in
            var seen: Set<ObjectIdentifier> = []
            return map.keys.sorted().compactMap { map[$0] }.filter { seen.insert(ObjectIdentifier($0)).inserted }
        }
    }

    /// The partitions owned here.
    public var owned: [Int] { byPartition.withLock { $0.keys.sorted() } }

    public func owns(partition: Int) -> Bool { byPartition.withLock { $0[partition] != nil } }

    /// The store of a partition owned here.
    public func store(forPartition partition: Int) throws -> PartitionStore {
        guard let store = byPartition.withLock({ $0[partition] }) else {
            throw TrackingError.notOwned(partition: partition)
        }
        return store
    }

    /// The store owning a session's state.
    public func store(forSession sessionID: String) throws -> PartitionStore {
        try store(forPartition: TrackingPartitions.partition(ofSession: sessionID))
    }

    /// Starts owning the partitions of `store` (acquired from another instance).
    func add(_ store: PartitionStore) {
        byPartition.withLock { map in
            for partition in store.partitions { map[partition] = store }
        }
    }

    /// Stops owning a partition: from now on its sessions are another instance's. Returns its store.
    func remove(partition: Int) -> PartitionStore? {
        byPartition.withLock { $0.removeValue(forKey: partition) }
    }

    /// The session of an enrolment, if tracking knows the enrolment.
    public func locate(enrolmentID: String) async throws -> String? {
        try await placement(of: enrolmentID)?.sessionID
    }

    /// Where an enrolment is tracked (its session, so its partition, and its participant), from the enrolment
    /// directory every partition's file keeps: known here even when another instance owns the session.
    ///
    /// An enrolment belongs to one session for good (the projector refuses to track it in another), so a found
    /// answer is remembered: the hot path (every progress report) skips a read transaction. Each owned file is
    /// asked in turn: the copies of a placement reach the partitions independently, and the session's own may be
    /// ahead of the others.
    func placement(of enrolmentID: String) async throws -> DirectoryRow? {
        if let known = placements[enrolmentID] { return known }
        for store in all {
            if let found = try await store.read({ db in try DirectoryRow.fetch(enrolmentID, db) }) {
                placements.remember(enrolmentID, found)
                return found
            }
        }
        return nil
    }

    /// ``placement(of:)``, or why there is none: the enrolment is unknown (404), or this instance owns no partition
    /// and so keeps no directory (a spare waiting for partitions: 503, the request goes to another instance).
    func requirePlacement(of enrolmentID: String) async throws -> DirectoryRow {
        if let found = try await placement(of: enrolmentID) { return found }
        guard !owned.isEmpty else { throw TrackingError.ownsNoPartition }
        throw TrackingError.notFound(what: "Enrolment", id: enrolmentID)
    }
}
