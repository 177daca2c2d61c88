import Synchronization

/// The partition map an instance runs with: read at start, replaced when a move installs a newer version.
final class CurrentMap: Sendable {
    private let map: Mutex<PartitionMap?>

    init(_ map: PartitionMap?) { self.map = Mutex(map) }

    var value: PartitionMap? { map.withLock { $0 } }

    /// Installs `newer` when its version is higher than the current one's; returns false otherwise.
    func install(_ newer: PartitionMap) -> Bool {
        map.withLock { map in
            guard newer.version > (map?.version ?? 0) else { return false }
            map = newer
            return true
        }
    }
}
