import Foundation
import Logging
import Messaging
@_exported import TestSupport
import Testing

/// Where the test broker is (scripts/test exports it); helpers copied from MessagingTests (test targets
/// cannot import each other).
enum TestEnvironment {
    static var amqpURL: String? { ProcessInfo.processInfo.environment["MAGISTERE_TEST_AMQP_URL"] }

    /// The test broker; a test needing it fails (never skips) when it is not configured.
    static func requireAMQP() throws -> AMQPEndpoint {
        try TestBroker.requireEndpoint()
    }
}
