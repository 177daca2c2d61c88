import Contracts
import Foundation
import Logging
import Messaging
import ServiceLifecycle
import ServiceSupport

/// Builds the tracking service from its environment: store, routes, outbox relay, event consumer.
public enum TrackingServiceFactory {
    /// The service's OpenAPI document, the data file `OpenAPI/openapi.json` of this module.
    public static func openAPIDocument() throws -> OpenAPIDocument { try OpenAPIDocument(bundle: .module) }

    /// The tracking service: its HTTP routes, its background work (an outbox relay per store, the
    /// consumer of `tracking.events`) and its readiness checks.
    public static func make(_ environment: ServiceEnvironment) throws -> PlatformService {
        try TrackingComposition.build(environment, configuration: TrackingConfiguration()).service
    }

    /// The same, with tracking's own settings (e.g. another queue name, for tests sharing a broker).
    public static func make(
        _ environment: ServiceEnvironment, configuration: TrackingConfiguration
    ) throws
        -> PlatformService
    {
        try TrackingComposition.build(environment, configuration: configuration).service
    }
}

/// The composition root: builds every part of the service, for the real process and for tests alike.
struct TrackingComposition: Sendable {
    let application: TrackingApplication
    let projector: ReadModelProjector
    let stores: TrackingStores
    let relays: [OutboxRelay]
    let consumer: EventConsumer
    let statements: StatementResource
    let service: PlatformService

    static func build(
        _ environment: ServiceEnvironment, configuration: TrackingConfiguration
    ) throws
        -> TrackingComposition
    {
        let logger = environment.logger
        // Today: one file for all partitions. A later step opens one file per owned partition here.
        let pool = try ServiceStoreOpener.open(path: environment.storePath)
        let relay = OutboxRelay(
            database: pool, transport: environment.transport, service: ServiceName.tracking.rawValue,
            pollInterval: environment.outboxPollInterval, logger: logger)
        let store = PartitionStore(database: pool, outboxWritten: { relay.nudge() })
        let stores = TrackingStores.single(store)
        let application = TrackingApplication(stores: stores)
        let projector = ReadModelProjector(stores: stores, consumer: configuration.queue)
        let statements = StatementResource(
            application: application, basePath: configuration.xapiBasePath, logger: logger)

        var routes = EventRoutes()
        routes.on(CoursePublished.self) { envelope, _ in try await projector.apply(envelope) }
        routes.on(SessionScheduled.self) { envelope, _ in try await projector.apply(envelope) }
        routes.on(SessionCancelled.self) { envelope, _ in try await projector.apply(envelope) }
        routes.on(SessionStaffChanged.self) { envelope, _ in try await projector.apply(envelope) }
        routes.on(EnrolmentApproved.self) { envelope, _ in try await projector.apply(envelope) }
        routes.on(EnrolmentPromoted.self) { envelope, _ in try await projector.apply(envelope) }
        routes.on(EnrolmentWithdrawn.self) { envelope, _ in try await projector.apply(envelope) }
        let consumer = EventConsumer(
            transport: environment.transport, queue: configuration.queue, routes: routes, retry: environment.retry,
            logger: logger)

        let progress = ProgressController(application: application)
        let xapi = StatementController(resource: statements)
        let service = PlatformService(
            name: .tracking,
            routes: { router in
                progress.addRoutes(to: router)
                xapi.addRoutes(to: router)
            },
            access: TrackingAccess.policy, authenticator: environment.authenticator,
            outerMiddleware: [XAPIHeadersMiddleware()],
            openAPI: try TrackingServiceFactory.openAPIDocument(),
            background: [relay, consumer],
            readiness: [
                ReadinessCheck("store") {
                    for store in stores.all { _ = try await store.read { db in try Int.fetchOne(db, sql: "SELECT 1") } }
                },
                ReadinessCheck("consumer") {
                    guard consumer.isRunning else {
                        throw TransportError("the tracking.events consumer is not running")
                    }
                },
            ])
        return TrackingComposition(
            application: application, projector: projector, stores: stores, relays: [relay], consumer: consumer,
            statements: statements, service: service)
    }
}
