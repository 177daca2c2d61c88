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

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "magistere-enrolment-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static var logger: Logger {
        var logger = Logger(label: "test.enrolment")
        logger.logLevel = (ProcessInfo.processInfo.environment["MAGISTERE_TEST_LOG"] ?? "").isEmpty ? .critical : .debug
        return logger
    }

    static let fastRetry = RetryPolicy(delays: [.milliseconds(50), .milliseconds(100)], maxAttempts: 3)
}
