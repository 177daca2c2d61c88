import Contracts
import Foundation
import GRDB
import Hummingbird
import Logging
import Messaging
import ServiceLifecycle
import ServiceSupport

/// The composition root of the catalogue: builds the same service for `magistere catalog`,
/// `magistere up` and the tests.
///
/// It opens and migrates the store, rebuilds the in-memory catalogue from it, optionally loads the
/// seed courses, and returns the routes, the outbox relay (the only background work: the catalogue
/// consumes no events) and the readiness check.
public enum CatalogServiceFactory {
    /// The service's OpenAPI document, the data file `OpenAPI/openapi.json` of this module.
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
        let store = try CatalogStore.open(path: environment.storePath)
        let relay = OutboxRelay(
            database: store.database, transport: environment.transport, service: ServiceName.catalog.rawValue,
            pollInterval: environment.outboxPollInterval, logger: environment.logger)
        let authoring = CourseAuthoring(store: store, catalogue: PublishedCatalogue(), eventsWritten: { relay.nudge() })
        try await authoring.loadCatalogue()
        if options.loadSeed {
            let count = try await CatalogSeed.load(into: authoring)
            environment.logger.info("seed courses published", metadata: ["catalog.seeded": "\(count)"])
        }
        let readController = CatalogueController(authoring: authoring)
        let authoringController = CourseAuthoringController(authoring: authoring)
        return PlatformService(
            name: .catalog,
            routes: { router in
                readController.addRoutes(to: router)
                authoringController.addRoutes(to: router)
            },
            access: CatalogAccess.policy, authenticator: environment.authenticator,
            openAPI: try openAPIDocument(),
            background: [relay],
            readiness: [
                ReadinessCheck("store") {
                    try await store.database.read { db in
                        _ = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM catalog_course")
                    }
                }
            ])
    }
}
