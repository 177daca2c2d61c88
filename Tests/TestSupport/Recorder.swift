import Synchronization

/// Thread-safe list of what a handler saw.
public final class Recorder<T: Sendable>: Sendable {
    private let items = Mutex<[T]>([])
    public init() {}
    public func append(_ item: T) { items.withLock { $0.append(item) } }
    public var all: [T] { items.withLock { $0 } }
    public var count: Int { items.withLock { $0.count } }
}
