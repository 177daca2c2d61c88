import Foundation
import Logging
import Messaging

/// What the composition root hands a service to build itself: where its store lives, the bus, a logger.
public struct ServiceEnvironment: Sendable {
    /// The service's SQLite file (created and migrated at start-up).
    public var storePath: String
    public var transport: any MessageTransport
    public var logger: Logger
    /// Verifies callers' bearer tokens.
    public var authenticator: Authenticator
    /// Retry policy of the service's consumers.
    public var retry: RetryPolicy
    /// How often the outbox relay looks for new rows when not nudged.
    public var outboxPollInterval: Duration
    /// The operator's pause of this instance's event consumers (`POST /consumers/pause`), shared by all of them.
    public var consumption: ConsumptionSwitch

    public init(
        storePath: String, transport: any MessageTransport, logger: Logger, authenticator: Authenticator,
        retry: RetryPolicy = .standard,
        outboxPollInterval: Duration = .milliseconds(50), consumption: ConsumptionSwitch = ConsumptionSwitch()
    ) {
        self.storePath = storePath
        self.transport = transport
        self.logger = logger
        self.authenticator = authenticator
        self.retry = retry
        self.outboxPollInterval = outboxPollInterval
        self.consumption = consumption
    }
}
