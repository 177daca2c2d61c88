import Contracts
import Foundation
import GRDB
import Hummingbird
import Messaging
import ServiceSupport

/// Builds the enrolment service: its store, HTTP routes, outbox relay, event consumer and readiness checks.
public enum EnrolmentServiceFactory {
    /// The service's OpenAPI document, the data file `OpenAPI/openapi.json` of this module.
    public static func openAPIDocument() throws -> OpenAPIDocument { try OpenAPIDocument(bundle: .module) }

    /// The durable queue the service consumes from.
    public static let queue = "enrolment.events"

    /// The enrolment service on `environment`'s store path and bus.
    public static func make(_ environment: ServiceEnvironment) throws -> PlatformService {
        try make(environment, queue: queue)
    }

    /// The same, consuming from another queue name (tests isolate themselves on a shared broker).
    static func make(
        _ environment: ServiceEnvironment, queue: String, now: @escaping @Sendable () -> Date = Date.init
    ) throws -> PlatformService {
        try assemble(environment, queue: queue, now: now).service
    }

    /// The parts of a built service, for tests that drive them one by one.
    struct Assembly: Sendable {
        let service: PlatformService
        let store: EnrolmentStore
        let relay: OutboxRelay
        let consumer: EventConsumer
    }

    static func assemble(
        _ environment: ServiceEnvironment, queue: String = queue, now: @escaping @Sendable () -> Date = Date.init
    ) throws -> Assembly {
        let pool = try ServiceStore.open(path: environment.storePath, migrations: EnrolmentMigrations.register)
        let relay = OutboxRelay(
            database: pool, transport: environment.transport, service: ServiceName.enrolment.rawValue,
            pollInterval: environment.outboxPollInterval, logger: environment.logger)
        let store = EnrolmentStore(database: pool, eventsWritten: { relay.nudge() }, now: now)
        let consumer = EventConsumer(
            transport: environment.transport, queue: queue,
            routes: EnrolmentEventHandlers.routes(store: store, logger: environment.logger), retry: environment.retry,
            logger: environment.logger)
        let service = PlatformService(
            name: .enrolment,
            routes: { router in
                SessionController(store: store).addRoutes(to: router)
                EnrolmentController(store: store).addRoutes(to: router)
                TeacherRecordController(store: store, now: now).addRoutes(to: router)
            },
            access: EnrolmentAccess.policy, authenticator: environment.authenticator,
            openAPI: try openAPIDocument(),
            background: [relay, consumer],
            readiness: [
                ReadinessCheck("store") { try await store.ping() },
                ReadinessCheck("outbox") {
                    let status = try await pool.read { db in try Outbox.status(in: db) }
                    if let age = status.oldestPendingAge, age > 300 {
                        throw TransportError("\(status.pending) event(s) waiting for the bus for \(Int(age)) s")
                    }
                },
            ])
        return Assembly(service: service, store: store, relay: relay, consumer: consumer)
    }
}
