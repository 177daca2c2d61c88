import Testing

@testable import TrackingService

@Suite("Tracking's bounded memo of placements")
struct GenerationalCacheTests {
    @Test("never more than its capacity; what is used stays, what is not is dropped first")
    func bounded() {
        let cache = GenerationalCache<Int, String>(capacity: 10)
        for key in 0..<1_000 {
            cache.remember(key, "v\(key)")
            #expect(cache.count <= 10)
        }
        #expect(cache[999] == "v999")
        #expect(cache[0] == nil, "the oldest entries are gone")

        let warm = GenerationalCache<Int, String>(capacity: 10)
        warm.remember(1, "one")
        for key in 100..<130 {
            // Key 1 is read between insertions: it moves to the newest generation each time it is found in the old.
            #expect(warm[1] == "one", "a key in use survives (after \(key - 100) insertions)")
            warm.remember(key, "v")
        }
        #expect(warm.count <= 10)
    }
}
