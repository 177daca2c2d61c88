/// Tracking's own settings, beside the platform's ``ServiceSupport/ServiceEnvironment``.
public struct TrackingConfiguration: Sendable, Equatable {
    /// The queue tracking consumes (`tracking.events`); also the inbox consumer name.
    public var queue: String
    /// The base of the `more` links of xAPI statement queries (default: relative links).
    public var xapiBasePath: String

    public init(queue: String = "tracking.events", xapiBasePath: String = "/xapi") {
        self.queue = queue
        self.xapiBasePath = xapiBasePath
    }
}
