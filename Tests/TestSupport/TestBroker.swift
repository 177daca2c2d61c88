import Foundation
import Messaging
import Testing

/// The test broker: `scripts/test` starts it and exports `MAGISTERE_TEST_AMQP_URL`.
public enum TestBroker {
    public static var url: String? { ProcessInfo.processInfo.environment["MAGISTERE_TEST_AMQP_URL"] }

    /// The main test broker; a test needing it FAILS (never skips) when it is not configured.
    public static func requireEndpoint() throws -> AMQPEndpoint {
        let url = try #require(url, "MAGISTERE_TEST_AMQP_URL is not set: run the tests with scripts/test")
        return try AMQPEndpoint(url: url)
    }
}
