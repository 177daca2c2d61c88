import Contracts
import Testing

@Suite("Sessions map to tracking partitions stably and evenly")
struct PartitioningTests {
    /// Computed by an independent FNV-1a implementation: a change here moves sessions between partitions.
    @Test(
        "known session ids keep their partition",
        arguments: [
            ("45c48cce-2e2d-4fbd-8a6e-0c1f3b9d7e52", 30),
            ("8f14e45f-ceea-4e6b-9a3c-2d7b5e0f6a11", 5),
            ("session-1", 13),
            ("a", 12),
            ("", 5),
        ])
    func pinned(sessionID: String, partition: Int) {
        #expect(TrackingPartitions.partition(ofSession: sessionID) == partition)
    }

    @Test("there are 32 partitions, and every session falls in one of them")
    func range() {
        #expect(TrackingPartitions.count == 32)
        for id in Self.randomSessionIDs(count: 1_000) {
            #expect((0..<8).contains(TrackingPartitions.partition(ofSession: id, count: 8)))
        }
    }

    @Test("10,000 random session ids spread within 25 % of an even share per partition")
    func randomIDsSpreadEvenly() {
        Self.expectEvenSpread(of: Self.randomSessionIDs(count: 10_000))
    }

    @Test("10,000 sequential session ids spread within 25 % of an even share per partition")
    func sequentialIDsSpreadEvenly() {
        Self.expectEvenSpread(of: (0..<10_000).map { "session-\($0)" })
    }

    static func expectEvenSpread(of ids: [String]) {
        var counts = [Int](repeating: 0, count: TrackingPartitions.count)
        for id in ids { counts[TrackingPartitions.partition(ofSession: id)] += 1 }
        let share = Double(ids.count) / Double(TrackingPartitions.count)
        #expect(counts.allSatisfy { Double($0) > share * 0.75 && Double($0) < share * 1.25 }, "counts: \(counts)")
    }

    /// Random-looking UUIDs from a fixed seed, so the test is the same on every run.
    static func randomSessionIDs(count: Int) -> [String] {
        var state: UInt64 = 0x5EED_2025
        func next() -> UInt64 {  // SplitMix64
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        func hex(_ value: UInt64, _ digits: Int) -> String {
            let text = String(value, radix: 16)
            return String(repeating: "0", count: max(0, digits - text.count)) + text.suffix(digits)
        }
        return (0..<count).map { _ in
            let high = next()
            let low = next()
            return "\(hex(high >> 32, 8))-\(hex(high >> 16, 4))-4\(hex(high, 3))-\(hex(low >> 48, 4))-\(hex(low, 12))"
        }
    }
}
