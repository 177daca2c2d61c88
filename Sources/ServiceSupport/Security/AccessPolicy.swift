import HTTPTypes

/// What a route needs before its handler runs. Finer rules (the manager's academy, the trainer's
/// session, the participant's own enrolment) are checked by the handler, which throws ``Problem/forbidden(_:)``.
public enum AccessRule: Sendable, Equatable, CustomStringConvertible {
    /// No token: liveness and readiness probes, the published catalogue, API documents.
    case anyone
    /// Any valid token, whatever its roles.
    case authenticated
    /// A valid token holding at least one of these roles.
    case roles(Set<Role>)

    public static func role(_ roles: Role...) -> AccessRule { .roles(Set(roles)) }

    public var description: String {
        switch self {
        case .anyone: "anyone"
        case .authenticated: "any authenticated caller"
        case .roles(let roles): "role " + roles.sorted().map(\.rawValue).joined(separator: " or ")
        }
    }
}

/// The access rule of every route of a service, keyed by method and path as the router spells them
/// (`GET /sessions/{id}`). A route without a rule is refused (fail closed), and a test enumerates the
/// router's routes against this table in both directions.
public struct AccessPolicy: Sendable {
    public private(set) var rules: [String: AccessRule]

    public init(_ rules: [String: AccessRule] = [:]) {
        var normalised: [String: AccessRule] = [:]
        for (key, rule) in rules {
            let key = Self.normalise(key)
            precondition(normalised[key] == nil, "two access rules for \(key)")
            normalised[key] = rule
        }
        self.rules = normalised
    }

    /// The rules of the operational routes every service has: probes open, metrics and the consumers' state and
    /// pause for operators.
    public static let operational = AccessPolicy([
        "GET /health": .anyone,
        "GET /ready": .anyone,
        "GET /metrics": .role(.operator),
        "GET /consumers": .role(.operator),
        "POST /consumers/pause": .role(.operator),
        "POST /consumers/resume": .role(.operator),
    ])

    /// The rules of subscribers' replays (``ReplayRoutes``), on the services that replay their events: a subscriber
    /// asks and follows its own, an operator follows any.
    public static let replays = AccessPolicy([
        "POST /replays": .role(.subscriber),
        "GET /replays/{id}": .role(.subscriber, .operator),
    ])

    /// The rules of the contract documents' routes (OpenAPI, the service's AsyncAPI slice), which every service
    /// serves the same way.
    public static let openAPI = AccessPolicy(["GET /openapi.json": .anyone, "GET /asyncapi.json": .anyone])

    /// The rule of a route, `path` spelt as the router spells it (`/sessions/{id}`): the table's keys
    /// were normalised once, so a request costs one dictionary lookup.
    public func rule(_ method: HTTPRequest.Method, _ path: String) -> AccessRule? {
        rules["\(method.rawValue) \(path)"]
    }

    public func merging(_ other: AccessPolicy) -> AccessPolicy {
        var merged = self
        for (key, rule) in other.rules {
            precondition(merged.rules[key] == nil, "two access rules for \(key)")
            merged.rules[key] = rule
        }
        return merged
    }

    public static func key(_ method: HTTPRequest.Method, _ path: String) -> String {
        normalise("\(method.rawValue) \(path)")
    }

    /// `GET sessions/:id` and `GET /sessions/{id}/` are the same route as `GET /sessions/{id}`.
    static func normalise(_ key: String) -> String {
        let parts = key.split(separator: " ", maxSplits: 1)
        guard parts.count == 2 else { return key }
        let segments = parts[1].split(separator: "/").map { segment -> String in
            segment.hasPrefix(":") ? "{\(segment.dropFirst())}" : String(segment)
        }
        return "\(parts[0].uppercased()) /" + segments.joined(separator: "/")
    }
}
