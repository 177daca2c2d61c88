import Logging
import Synchronization

/// Collects log records, to see that what must leave a trace does.
public final class LogCollector: Sendable {
    public struct Record: Sendable {
        public var level: Logger.Level
        public var message: String
        public var metadata: [String: String]
    }

    private let records = Mutex<[Record]>([])
    public init() {}

    public var all: [Record] { records.withLock { $0 } }

    /// A logger whose records land here (no global bootstrap: tests run in one process).
    public var logger: Logger { Logger(label: "test") { _ in Handler(collector: self) } }

    /// A handler for `Logger(label:factory:)`.
    public func handler(_ label: String) -> some LogHandler { Handler(collector: self) }

    struct Handler: LogHandler {
        let collector: LogCollector
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            collector.records.withLock {
                $0.append(
                    Record(level: event.level, message: "\(event.message)", metadata: merged.mapValues { "\($0)" }))
            }
        }
    }
}
