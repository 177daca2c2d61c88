/// The stable assignment of sessions to tracking partitions, defined once so every component agrees.
///
/// The hash is FNV-1a (64 bit) over the UTF-8 bytes of the session id: it does not depend on the
/// process, the platform or Swift's randomly seeded `Hasher`.
public enum TrackingPartitions {
    /// The fixed number of partitions. Changing it moves sessions: it is a data migration, not a setting.
    public static let count = 32

    /// The partition that owns a session's tracking state.
    public static func partition(ofSession sessionID: String, count: Int = TrackingPartitions.count) -> Int {
        precondition(count > 0, "partition count must be positive")
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in sessionID.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return Int(hash % UInt64(count))
    }
}
