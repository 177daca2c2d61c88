import Contracts
import Foundation
import Messaging
import Synchronization
@_exported import TestSupport
import Testing

/// The test broker: `scripts/test` starts it and exports `MAGISTERE_TEST_AMQP_URL`.
enum Broker {
    /// The main test broker; a test needing it FAILS (never skips) when it is not configured.
    static func requireEndpoint() throws -> AMQPEndpoint {
        try TestBroker.requireEndpoint()
    }

    /// A CloudEvent as a bus message, the way an outbox writes it.
    static func message<E: DomainEvent>(_ envelope: CloudEvent<E>) throws -> Message {
        Message(
            id: envelope.id, type: envelope.type, source: envelope.source, subject: envelope.subject,
            time: envelope.time, body: try EventCoding.encode(envelope))
    }
}
