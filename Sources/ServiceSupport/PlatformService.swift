import Contracts
import Foundation
import GRDB
import Hummingbird
import Logging
import Messaging
import Prometheus
import ServiceLifecycle

/// What one service brings to a process: HTTP routes, background work (outbox relay, consumers)
/// and readiness checks. The same value runs alone (`magistere catalog`) or beside the others
/// (`magistere up`), and in the tests (`router(registry:)` in process).
///
/// Every service's readiness is built here, the same way, from what the service is made of (see
/// ``readinessChecks(transport:stores:background:)``): a service only says which stores and background
/// work it has.
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
    public var openAPI: OpenAPIDocument
    /// The service's slice of the event contract, served at `GET /asyncapi.json` (open to anyone).
    public var asyncAPI: AsyncAPISlice
    /// `/consumers`: this instance's consumers, how far behind they are, and the operator's pause of them.
    var consumers: ConsumerRoutes

    /// - Parameters:
    ///   - stores: the service's SQLite stores (each with its outbox), probed by `/ready`.
    ///   - background: the outbox relays and event consumers, run beside the HTTP server.
    public init(
        name: ServiceName, environment: ServiceEnvironment, stores: [any DatabaseReader],
        routes: @escaping @Sendable (Router<ServiceRequestContext>) -> Void, access: AccessPolicy,
        openAPI: OpenAPIDocument, background: [any Service],
        outerMiddleware: [any MiddlewareProtocol<Request, Response, ServiceRequestContext>] = []
    ) {
        self.name = name
        self.routes = routes
        self.access = access
        self.authenticator = environment.authenticator
        self.outerMiddleware = outerMiddleware
        self.openAPI = openAPI
        self.background = background
        let consumed = background.compactMap { $0 as? any EventSubscriber }.flatMap(\.boundEventTypes).map {
            EventType($0)
        }
        self.asyncAPI = AsyncAPISlice(
            service: name, consumed: consumed,
            exchange: (environment.transport as? AMQPTransport)?.topology.exchange ?? AMQPTopology().exchange)
        self.consumers = ConsumerRoutes(
            service: name.rawValue, consumption: environment.consumption, transport: environment.transport,
            hosts: background.compactMap { $0 as? any EventConsumerHosting })
        self.readiness = Self.readinessChecks(transport: environment.transport, stores: stores, background: background)
    }

    /// An outbox row older than this makes the service not ready: its events are not reaching the bus.
    public static let outboxAgeLimit: TimeInterval = 300

    /// The readiness checks of a service: its stores answer, their outboxes drain, the bus is reachable, and
    /// each event consumer is attached to its queue.
    public static func readinessChecks(
        transport: any MessageTransport, stores: [any DatabaseReader], background: [any Service]
    ) -> [ReadinessCheck] {
        var checks = [
            ReadinessCheck("store") {
                for store in stores { _ = try await store.read { db in try Int.fetchOne(db, sql: "SELECT 1") } }
            },
            ReadinessCheck("outbox") {
                for store in stores {
                    let status = try await store.read { db in try Outbox.status(in: db) }
                    if let age = status.oldestPendingAge, age > outboxAgeLimit {
                        throw TransportError("\(status.pending) event(s) waiting for the bus for \(Int(age)) s")
                    }
                }
            },
            ReadinessCheck("bus") { try await transport.checkConnection() },
        ]
        for case let reporting as any ReadinessReporting in background {
            checks.append(contentsOf: reporting.readinessChecks)
        }
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
        openAPI.addRoute(to: router)
        asyncAPI.addRoute(to: router)
        consumers.addRoutes(to: router)
        routes(router)
        return router
    }

    /// Every route's rule: the operational routes' and the service's own.
    public var accessPolicy: AccessPolicy {
        AccessPolicy.operational.merging(AccessPolicy.openAPI).merging(access)
    }

    /// The HTTP application of this service on `host:port` (the runner's; `onReady` once it listens).
    public func application(
        host: String, port: Int, registry: PrometheusCollectorRegistry?, logger: Logger,
        onReady: (@Sendable () async -> Void)? = nil
    ) -> some ApplicationProtocol & Service {
        Application(
            router: router(registry: registry),
            configuration: .init(address: .hostname(host, port: port), serverName: "magistere-\(name.rawValue)"),
            onServerRunning: { _ in await onReady?() },
            logger: logger)
    }
}

/// How every service is built, the one shape a newcomer learns once (see docs/anatomy.md): a factory with its
/// start-up `Options`, its OpenAPI document, and `make`, over an internal `assemble` that also hands the parts
/// (store, relay, consumer) to the tests.
public protocol ServiceFactory {
    /// The service's own start-up choices beside the shared ``ServiceEnvironment``.
    associatedtype Options: Sendable
    /// The service's OpenAPI document, the data file `OpenAPI/openapi.json` of its module.
    static func openAPIDocument() throws -> OpenAPIDocument
    /// The service on `environment`'s store path and bus.
    static func make(_ environment: ServiceEnvironment, options: Options) async throws -> PlatformService
}
