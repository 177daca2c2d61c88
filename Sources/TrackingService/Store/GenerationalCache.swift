import Synchronization

/// A bounded memo of found values: at most `capacity` entries, the least recently used ones dropped first (roughly:
/// two generations — a new one fills while the previous one still answers; a hit in the previous one moves to the new
/// one; when the new one holds half the capacity, the previous one is dropped and the new one becomes it).
///
/// Tracking remembers each enrolment's placement so that every progress report skips a read; without a bound that
/// memory grew with every enrolment ever seen (a national campaign is millions).
final class GenerationalCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Generations {
        var current: [Key: Value] = [:]
        var previous: [Key: Value] = [:]
    }

    private let generations = Mutex(Generations())
    let capacity: Int

    init(capacity: Int) {
        precondition(capacity >= 2, "a cache of fewer than 2 entries")
        self.capacity = capacity
    }

    subscript(_ key: Key) -> Value? {
        generations.withLock { generations in
            if let value = generations.current[key] { return value }
            guard let value = generations.previous.removeValue(forKey: key) else { return nil }
            Self.insert(key, value, into: &generations, half: capacity / 2)
            return value
        }
    }

    func remember(_ key: Key, _ value: Value) {
        generations.withLock { Self.insert(key, value, into: &$0, half: capacity / 2) }
    }

    /// Entries held now (at most `capacity`).
    var count: Int { generations.withLock { $0.current.count + $0.previous.count } }

    private static func insert(_ key: Key, _ value: Value, into generations: inout Generations, half: Int) {
        if generations.current[key] == nil, generations.current.count >= half {
            generations.previous = generations.current
            generations.current = [:]
        }
        generations.current[key] = value
        generations.previous.removeValue(forKey: key)
    }
}
