import Contracts
import Foundation
import Hummingbird
import Logging
import Messaging
import Prometheus
import ServiceLifecycle

/// What one service brings to a process: HTTP routes, background work (outbox relay, consumers)
/// and readiness checks. The same value runs alone (`magistere catalog`) or beside the others
/// (`magistere up`).
public struct PlatformService: Sendable {
    public var name: ServiceName
    /// Adds the service's own routes to its router.
    public var routes: @Sendable (Router<ServiceRequestContext>) -> Void
    /// Long-running parts: outbox relay, event consumers.
    public var background: [any Service]
    public var readiness: [ReadinessCheck]
    /// The access rule of each of the service's own routes (the operational ones are added here).
    public var access: AccessPolicy
    /// Verifies the bearer tokens of the service's callers.
    public var authenticator: Authenticator
    /// Middleware that must also see what the access middleware answers (protocol headers on a 401, say),
    /// run after the problem middleware and before the access rules.
    public var outerMiddleware: [any MiddlewareProtocol<Request, Response, ServiceRequestContext>]
    /// The service's OpenAPI document, served at `GET /openapi.json` (open to anyone).
    public var openAPI: OpenAPIDocument?

    public init(
        name: ServiceName, routes: @escaping @Sendable (Router<ServiceRequestContext>) -> Void,
        access: AccessPolicy, authenticator: Authenticator,
        outerMiddleware: [any MiddlewareProtocol<Request, Response, ServiceRequestContext>] = [],
        openAPI: OpenAPIDocument? = nil, background: [any Service], readiness: [ReadinessCheck]
    ) {
        self.openAPI = openAPI
        self.outerMiddleware = outerMiddleware
        self.name = name
        self.routes = routes
        self.access = access
        self.authenticator = authenticator
        self.background = background
        self.readiness = readiness
    }

    /// The readiness checks every service has, beside its own: the bus is reachable, and each
    /// event consumer is attached to its queue.
    public static func commonReadiness(transport: any MessageTransport, background: [any Service]) -> [ReadinessCheck] {
        var checks = [ReadinessCheck("bus") { try await transport.checkConnection() }]
        for case let consumer as EventConsumer in background {
            let queue = consumer.subscription.queue
            checks.append(
                ReadinessCheck("consumer \(queue)") {
                    guard consumer.isRunning else { throw TransportError("not consuming \(queue)") }
                })
        }
        return checks
    }

    /// The service's router: problem+json errors, request ids, metrics, access rules, operational
    /// routes, its routes.
    public func router(registry: PrometheusCollectorRegistry?) -> Router<ServiceRequestContext> {
        let router = Router(context: ServiceRequestContext.self)
        router.add(middleware: ObservabilityMiddleware(service: name.rawValue))
        router.add(middleware: ProblemMiddleware())
        for middleware in outerMiddleware { router.add(middleware: middleware) }
        router.add(middleware: AccessMiddleware(policy: accessPolicy, authenticator: authenticator))
        OperationalRoutes.add(to: router, service: name.rawValue, checks: readiness, registry: registry)
        openAPI?.addRoute(to: router)
        routes(router)
        return router
    }

    /// Every route's rule: the operational routes' and the service's own.
    public var accessPolicy: AccessPolicy {
        AccessPolicy.operational.merging(openAPI == nil ? AccessPolicy([:]) : AccessPolicy.openAPI).merging(access)
    }

    /// The HTTP application of this service on `host:port`.
    public func application(
        host: String, port: Int, registry: PrometheusCollectorRegistry?, logger: Logger
    ) -> some ApplicationProtocol {
        Application(
            router: router(registry: registry),
            configuration: .init(address: .hostname(host, port: port), serverName: "magistere-\(name.rawValue)"),
            logger: logger)
    }
}
