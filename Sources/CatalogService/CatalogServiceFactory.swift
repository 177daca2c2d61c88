import Contracts
import Foundation
import GRDB
import Hummingbird
import Logging
import Messaging
import ServiceLifecycle
import ServiceSupport

/// The composition root of the catalogue: builds the same service for `magistere catalog`, `magistere up` and
/// the tests (see docs/anatomy.md).
///
/// It opens and migrates the store, rebuilds the in-memory catalogue from it, optionally loads the seed
/// courses, and returns the routes and the outbox relay (the only background work: the catalogue consumes no
/// events).
public enum CatalogServiceFactory: ServiceFactory {
    public static func openAPIDocument() throws -> OpenAPIDocument { try OpenAPIDocument(bundle: .module) }

    /// Start-up choices beside the shared ``ServiceEnvironment``.
    public struct Options: Sendable {
        /// Publish the seed courses that are not published yet (idempotent), e.g. for the embedded demo.
        public var loadSeed: Bool

        public init(loadSeed: Bool = false) {
            self.loadSeed = loadSeed
        }
    }

    public static func make(
        _ environment: ServiceEnvironment, options: Options = .init()
    ) async throws -> PlatformService {
        try await assemble(environment, options: options).service
    }

    /// The parts of a built service, for tests that drive them one by one.
    struct Assembly: Sendable {
        let service: PlatformService
        let store: CatalogStore
        let authoring: CourseAuthoring
        let relay: OutboxRelay
    }

    static func assemble(_ environment: ServiceEnvironment, options: Options = .init()) async throws -> Assembly {
        let pool = try ServiceStore.open(path: environment.storePath, migrations: CatalogMigrations.register)
        let store = CatalogStore(database: pool)
        let relay = OutboxRelay(
            database: pool, transport: environment.transport, service: ServiceName.catalog.rawValue,
            pollInterval: environment.outboxPollInterval, logger: environment.logger)
        let authoring = CourseAuthoring(store: store, catalogue: PublishedCatalogue(), eventsWritten: { relay.nudge() })
        try await authoring.loadCatalogue()
        if options.loadSeed {
            let count = try await CatalogSeed.load(into: authoring)
            environment.logger.info("seed courses published", metadata: ["catalog.seeded": "\(count)"])
        }
        let catalogue = CatalogueController(authoring: authoring)
        let courses = CourseAuthoringController(authoring: authoring)
        let service = PlatformService(
            name: .catalog, environment: environment, stores: [pool],
            routes: { router in
                catalogue.addRoutes(to: router)
                courses.addRoutes(to: router)
            },
            access: CatalogAccess.policy, openAPI: try openAPIDocument(), background: [relay])
        return Assembly(service: service, store: store, authoring: authoring, relay: relay)
    }
}
