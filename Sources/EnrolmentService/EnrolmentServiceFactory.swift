import Contracts
import Foundation
import GRDB
import Hummingbird
import Messaging
import ServiceSupport

/// The composition root of the enrolment service: builds the same service for `magistere enrolment`,
/// `magistere up` and the tests (see docs/anatomy.md): its store, HTTP routes, outbox relay and event consumer.
public enum EnrolmentServiceFactory: ServiceFactory {
    public static func openAPIDocument() throws -> OpenAPIDocument { try OpenAPIDocument(bundle: .module) }

    /// The durable queue the service consumes from.
    public static let queue = "enrolment.events"

    /// Start-up choices beside the shared ``ServiceEnvironment``.
    public struct Options: Sendable {
        /// The queue consumed (and the inbox's consumer name): tests isolate themselves on a shared broker.
        public var queue: String
        /// The service's clock (tests set the date).
        public var now: @Sendable () -> Date

        public init(queue: String = EnrolmentServiceFactory.queue, now: @escaping @Sendable () -> Date = Date.init) {
            self.queue = queue
            self.now = now
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
        let store: EnrolmentStore
        let application: EnrolmentApplication
        let relay: OutboxRelay
        let consumer: EventConsumer
        let replays: EnrolmentReplays
    }

    static func assemble(_ environment: ServiceEnvironment, options: Options = .init()) throws -> Assembly {
        let pool = try ServiceStore.open(path: environment.storePath, migrations: EnrolmentMigrations.register)
        let relay = OutboxRelay(
            database: pool, transport: environment.transport, service: ServiceName.enrolment.rawValue,
            pollInterval: environment.outboxPollInterval, logger: environment.logger)
        let store = EnrolmentStore(database: pool, eventsWritten: { relay.nudge() }, now: options.now)
        let application = EnrolmentApplication(store: store)
        let consumer = EventConsumer(
            transport: environment.transport, queue: options.queue,
            routes: EnrolmentEventHandlers.routes(application: application, logger: environment.logger),
            retry: environment.retry, consumption: environment.consumption, logger: environment.logger)
        let sessions = SessionController(application: application)
        let enrolments = EnrolmentController(application: application)
        let records = TeacherRecordController(
            application: application, now: options.now,
            consistentThrough: { [queue = options.queue] in consumer.appliedThrough(queue: queue) })
        let districts = DistrictController(application: application)
        let academyPlans = AcademyPlanController(application: application)
        let replays = EnrolmentReplays(store: store, transport: environment.transport, logger: environment.logger)
        let service = PlatformService(
            name: .enrolment, environment: environment, stores: [pool],
            routes: { router in
                sessions.addRoutes(to: router)
                enrolments.addRoutes(to: router)
                records.addRoutes(to: router)
                districts.addRoutes(to: router)
                academyPlans.addRoutes(to: router)
                ReplayRoutes(replays).addRoutes(to: router)
            },
            access: EnrolmentAccess.policy, openAPI: try openAPIDocument(), background: [relay, consumer, replays])
        return Assembly(
            service: service, store: store, application: application, relay: relay, consumer: consumer,
            replays: replays)
    }
}
