import Contracts
import Foundation
import Logging
import Messaging
import ServiceLifecycle
import ServiceSupport

/// The composition root of the tracking service: builds the same service for `magistere tracking`,
/// `magistere up` and the tests (see docs/anatomy.md): its store, HTTP routes (the JSON API and xAPI), an outbox
/// relay per store and the consumer of `tracking.events`.
public enum TrackingServiceFactory: ServiceFactory {
    public static func openAPIDocument() throws -> OpenAPIDocument { try OpenAPIDocument(bundle: .module) }

    /// The durable queue the service consumes from.
    public static let queue = "tracking.events"

    /// Start-up choices beside the shared ``ServiceEnvironment``.
    public struct Options: Sendable, Equatable {
        /// The queue consumed (and the inbox's consumer name): tests isolate themselves on a shared broker.
        public var queue: String
        /// The base of the `more` links of xAPI statement queries (default: relative links).
        public var xapiBasePath: String

        public init(queue: String = TrackingServiceFactory.queue, xapiBasePath: String = "/xapi") {
            self.queue = queue
            self.xapiBasePath = xapiBasePath
        }
    }

    public static func make(
        _ environment: ServiceEnvironment, options: Options = .init()
    ) async throws
        -> PlatformService
    {
        try assemble(environment, options: options).service
    }

    /// The parts of a built service, for tests that drive them one by one.
    struct Assembly: Sendable {
        let service: PlatformService
        let application: TrackingApplication
        let projector: ReadModelProjector
        let stores: TrackingStores
        let relays: [OutboxRelay]
        let consumer: EventConsumer
        let statements: StatementResource
    }

    static func assemble(_ environment: ServiceEnvironment, options: Options = .init()) throws -> Assembly {
        let logger = environment.logger
        // Today: one file for all partitions. A later step opens one file per owned partition here.
        let pool = try ServiceStoreOpener.open(path: environment.storePath)
        let relay = OutboxRelay(
            database: pool, transport: environment.transport, service: ServiceName.tracking.rawValue,
            pollInterval: environment.outboxPollInterval, logger: logger)
        let stores = TrackingStores.single(PartitionStore(database: pool, outboxWritten: { relay.nudge() }))
        let application = TrackingApplication(stores: stores)
        let projector = ReadModelProjector(stores: stores, consumer: options.queue)
        let statements = StatementResource(application: application, basePath: options.xapiBasePath, logger: logger)
        let consumer = EventConsumer(
            transport: environment.transport, queue: options.queue,
            routes: TrackingEventHandlers.routes(projector: projector), retry: environment.retry, logger: logger)
        let progress = ProgressController(application: application)
        let xapi = StatementController(resource: statements)
        let service = PlatformService(
            name: .tracking, environment: environment, stores: [pool],
            routes: { router in
                progress.addRoutes(to: router)
                xapi.addRoutes(to: router)
            },
            access: TrackingAccess.policy, openAPI: try openAPIDocument(), background: [relay, consumer],
            outerMiddleware: [XAPIHeadersMiddleware()])
        return Assembly(
            service: service, application: application, projector: projector, stores: stores, relays: [relay],
            consumer: consumer, statements: statements)
    }
}
