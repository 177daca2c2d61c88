import Foundation
import Logging
import Messaging
import Testing

/// Where the test broker is (scripts/test exports it); helpers copied from MessagingTests (test targets
/// cannot import each other).
enum TestEnvironment {
    static var amqpURL: String? { ProcessInfo.processInfo.environment["MAGISTERE_TEST_AMQP_URL"] }

    /// The test broker; a test needing it fails (never skips) when it is not configured.
    static func requireAMQP() throws -> AMQPEndpoint {
        let url = try #require(amqpURL, "MAGISTERE_TEST_AMQP_URL is not set: run the tests with scripts/test")
        return try AMQPEndpoint(url: url)
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("magistere-enrolment-\(UUID().uuidString)")
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

/// Expects `condition` to hold within `timeout`, recording an issue at the caller's line otherwise.
func expectEventually(
    _ comment: Comment? = nil, timeout: Duration = .seconds(20), sourceLocation: SourceLocation = #_sourceLocation,
    _ condition: () async throws -> Bool
) async throws {
    if try await !eventually(timeout: timeout, condition) {
        Issue.record(comment ?? "condition did not hold within \(timeout)", sourceLocation: sourceLocation)
    }
}
