import Contracts
import Foundation
import GRDB
import Logging
import Messaging
import ServiceLifecycle
import ServiceSupport

/// The composition root of the tracking service: builds the same service for `magistere tracking`,
/// `magistere up` and the tests (see docs/anatomy.md): one store per owned partition (each its own SQLite file
/// with its outbox relay), HTTP routes (the JSON API and xAPI), the router that moves `tracking.events` to the
/// partition queues, and the consumer of the owned partitions' queues.
public enum TrackingServiceFactory: ServiceFactory {
    public static func openAPIDocument() throws -> OpenAPIDocument { try OpenAPIDocument(bundle: .module) }

    /// The durable queue tracking's events arrive in (the router's intake).
    public static let queue = "tracking.events"

    /// Start-up choices beside the shared ``ServiceEnvironment``.
    public struct Options: Sendable, Equatable {
        /// The intake queue (partition queues, leases and the inbox's consumer name derive from it): tests isolate
        /// themselves on a shared broker.
        public var queue: String
        /// The base of the `more` links of xAPI statement queries (default: relative links).
        public var xapiBasePath: String
        /// The partitions this instance owns (default: all of them; with a map, the map's for ``instance``).
        public var partitions: PartitionSet
        /// The deployment's partition map, where requests for other instances' sessions are redirected.
        public var map: PartitionMap?
        /// This instance's name in the map.
        public var instance: String?

        public init(
            queue: String = TrackingServiceFactory.queue, xapiBasePath: String = "/xapi",
            partitions: PartitionSet = .all, map: PartitionMap? = nil, instance: String? = nil
        ) {
            self.queue = queue
            self.xapiBasePath = xapiBasePath
            self.partitions = partitions
            self.map = map
            self.instance = instance
        }

        /// Options for the instance named `instance` of `map`: its partitions are the map's.
        public static func instance(
            _ instance: String, of map: PartitionMap, queue: String = TrackingServiceFactory.queue
        ) throws -> Options {
            guard let entry = map.instances[instance] else {
                throw PartitionSetError(
                    "instance '\(instance)' is not in the partition map (version \(map.version) names "
                        + map.instances.keys.sorted().joined(separator: ", ") + ")")
            }
            return Options(queue: queue, partitions: entry.partitions, map: map, instance: instance)
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
        /// Moves the intake to the partition queues (while this instance holds the router lease).
        let router: PartitionRouter
        /// Runs the owned partitions' relays and consumer, and moves partitions in and out.
        let host: PartitionHost
        let statements: StatementResource
        let replays: Replays
        let replayWorker: ReplayWorker
    }

    static func assemble(_ environment: ServiceEnvironment, options: Options = .init()) throws -> Assembly {
        let logger = environment.logger
        let naming = PartitionNaming(intakeQueue: options.queue)
        try LegacyStoreSplit.splitIfNeeded(storePath: environment.storePath, owned: options.partitions, logger: logger)
        let stores = TrackingStores([])
        let application = TrackingApplication(
            stores: stores, forwarder: ProgressForwarder(transport: environment.transport, naming: naming))
        let projector = ReadModelProjector(stores: stores, consumer: options.queue)
        let statements = StatementResource(application: application, basePath: options.xapiBasePath, logger: logger)
        let routes = TrackingEventHandlers.routes(projector: projector, naming: naming)
        // Partition queues also carry reports forwarded by other instances (never bound on the exchange).
        var partitionRoutes = routes
        partitionRoutes.on(ProgressForwarded.self) { envelope, _ in try await application.applyForwarded(envelope.data)
        }
        let replays = Replays(
            stores: stores, transport: environment.transport, naming: naming, now: Date.init, logger: logger)
        partitionRoutes.on(ReplayPartRequested.self) { envelope, _ in try await replays.partRequested(envelope) }
        partitionRoutes.on(ReplayPartFinished.self) { envelope, _ in try await replays.partFinished(envelope) }
        partitionRoutes.on(DirectoryPlacements.self) { envelope, delivery in
            guard let partition = naming.partition(ofQueue: delivery.queue) else { return }
            try await DirectoryPlacements.apply(envelope.data, in: try stores.store(forPartition: partition))
        }
        let partitionSubscriptions = (0..<TrackingPartitions.count).map { partition in
            Subscription(
                queue: naming.queue(ofPartition: partition), bindings: [], retry: environment.retry,
                lease: Lease(name: naming.lease(ofPartition: partition), whenHeld: .refuse),
                delayGroup: naming.partitionGroup, singleActiveConsumer: true)
        }
        let host = PartitionHost(
            stores: stores, naming: naming, storePath: environment.storePath, subscriptions: partitionSubscriptions,
            routes: partitionRoutes, environment: environment)
        for partition in options.partitions.partitions {
            let (store, relay) = try PartitionHost.open(
                partition: partition, storePath: environment.storePath, environment: environment)
            host.adopt(partition: partition, store: store, relay: relay)
        }
        let router = PartitionRouter(
            transport: environment.transport, naming: naming, bindings: routes.eventTypes,
            partitionSubscriptions: partitionSubscriptions, broadcast: TrackingEventHandlers.placements,
            retry: environment.retry, logger: logger)
        let watermark = ConsistencyWatermark(
            transport: environment.transport, naming: naming, owned: { stores.owned })
        let progress = ProgressController(application: application, watermark: watermark)
        let replayRoutes = ReplayRoutes(replays)
        let replayWorker = ReplayWorker(
            stores: stores, transport: environment.transport, naming: naming, logger: logger)
        let xapi = StatementController(resource: statements)
        let documents = DocumentController(resource: DocumentResource(stores: stores))
        let activitiesAndAgents = ActivityAgentController(stores: stores)
        let map = CurrentMap(options.map)
        let partitionsView = PartitionsController(
            host: host, transport: environment.transport, router: router, map: map, instance: options.instance)
        let service = PlatformService(
            name: .tracking, environment: environment, stores: [],
            routes: { router in
                progress.addRoutes(to: router)
                xapi.addRoutes(to: router)
                documents.addRoutes(to: router)
                activitiesAndAgents.addRoutes(to: router)
                partitionsView.addRoutes(to: router)
                replayRoutes.addRoutes(to: router)
            },
            access: TrackingAccess.policy, openAPI: try openAPIDocument(),
            background: [router, host, replayWorker, watermark],
            outerMiddleware: [
                XAPIHeadersMiddleware(), PartitionRedirectMiddleware(map: map, instance: options.instance),
            ])
        return Assembly(
            service: service, application: application, projector: projector, stores: stores, router: router,
            host: host, statements: statements, replays: replays, replayWorker: replayWorker)
    }
}
