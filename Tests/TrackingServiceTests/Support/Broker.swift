import Contracts
import Foundation
import Messaging
import Synchronization
import Testing

/// The test broker: `scripts/test` starts it and exports `MAGISTERE_TEST_AMQP_URL`.
enum Broker {
    /// The main test broker; a test needing it FAILS (never skips) when it is not configured.
    static func requireEndpoint() throws -> AMQPEndpoint {
        let url = try #require(
            ProcessInfo.processInfo.environment["MAGISTERE_TEST_AMQP_URL"],
            "MAGISTERE_TEST_AMQP_URL is not set: run the tests with scripts/test (or export it)")
        return try AMQPEndpoint(url: url)
    }

    /// A CloudEvent as a bus message, the way an outbox writes it.
    static func message<E: DomainEvent>(_ envelope: CloudEvent<E>) throws -> Message {
        Message(
            id: envelope.id, type: envelope.type, source: envelope.source, subject: envelope.subject,
            time: envelope.time, body: try EventCoding.encode(envelope))
    }
}

/// Thread-safe list of what a handler saw.
final class Recorder<T: Sendable>: Sendable {
    private let items = Mutex<[T]>([])
    func append(_ item: T) { items.withLock { $0.append(item) } }
    var all: [T] { items.withLock { $0 } }
    var count: Int { items.withLock { $0.count } }
}

/// Polls `condition` until it holds or `timeout` passes; returns whether it held.
func eventually(
    timeout: Duration = .seconds(20), every interval: Duration = .milliseconds(20), _ condition: () async throws -> Bool
) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: interval)
    }
    return try await condition()
}
