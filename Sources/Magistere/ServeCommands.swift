import ArgumentParser
import CatalogService
import EnrolmentService
import Foundation
import Logging
import Messaging
import ServiceSupport
import Synchronization
import TrackingService
import WebFront

/// `magistere catalog`: the catalogue service alone.
struct CatalogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog", abstract: "Run the catalog service (courses, versions, search).")
    @OptionGroup var runtime: RuntimeOptions
    @Option(help: "HTTP port (env MAGISTERE_CATALOG_PORT; default 8081).") var port: String?
    @Flag(help: "Publish the seed courses if they are not there yet.") var seed = false

    func run() async throws {
        let seed = seed
        try await runtime.runAlone(
            CatalogServiceFactory.self, "catalog", options: .init(loadSeed: seed), port: port,
            setting: Settings.catalogPort)
    }
}

/// `magistere enrolment`: the enrolment service alone.
struct EnrolmentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enrolment", abstract: "Run the enrolment service (sessions, enrolments, yearly records).")
    @OptionGroup var runtime: RuntimeOptions
    @Option(help: "HTTP port (env MAGISTERE_ENROLMENT_PORT; default 8082).") var port: String?

    func run() async throws {
        try await runtime.runAlone(
            EnrolmentServiceFactory.self, "enrolment", options: .init(), port: port, setting: Settings.enrolmentPort)
    }
}

/// `magistere tracking`: the tracking service alone.
struct TrackingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tracking", abstract: "Run the tracking service (progress, attendance, completion, xAPI).")
    @OptionGroup var runtime: RuntimeOptions
    @Option(help: "HTTP port (env MAGISTERE_TRACKING_PORT; default 8083).") var port: String?
    @Option(
        help:
            "The partitions this instance owns: all, ranges such as 0-15, or none (env MAGISTERE_TRACKING_PARTITIONS).")
    var partitions: String?
    @Option(
        name: .customLong("partition-map"),
        help:
            "The partition map all instances share; this instance owns its partitions there (env MAGISTERE_TRACKING_PARTITION_MAP)."
    )
    var partitionMap: String?
    @Option(help: "This instance's name in the partition map (env MAGISTERE_TRACKING_INSTANCE).") var instance: String?

    func run() async throws {
        try await runtime.runAlone(
            TrackingServiceFactory.self, "tracking", options: try options(), port: port,
            setting: Settings.trackingPort)
    }

    /// The partitions to own: the map's for the instance, or `--partitions`; a contradiction is refused.
    func options(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws
        -> TrackingServiceFactory.Options
    {
        do {
            let mapPath = Settings.trackingPartitionMap.resolve(partitionMap, environment: environment)
            let instance = Settings.trackingInstance.resolve(instance, environment: environment)
            let partitions = Settings.trackingPartitions.resolve(partitions, environment: environment)
            guard !mapPath.isEmpty else {
                guard instance.isEmpty else {
                    throw ValidationError("--instance names an instance of a --partition-map")
                }
                return .init(partitions: try PartitionSet(parsing: partitions))
            }
            guard !instance.isEmpty else {
                throw ValidationError("--partition-map needs --instance: which of the map's instances this one is")
            }
            let options = try TrackingServiceFactory.Options.instance(
                instance, of: try PartitionMap.load(path: mapPath))
            if partitions != "all", try PartitionSet(parsing: partitions) != options.partitions {
                throw ValidationError(
                    "--partitions \(partitions) contradicts the partition map, which gives \(instance) \(options.partitions)"
                )
            }
            return options
        } catch let error as PartitionSetError {
            throw ValidationError(error.description)
        }
    }
}

extension RuntimeOptions {
    /// Runs one service in this process, against the broker unless told otherwise.
    func runAlone<Factory: ServiceFactory>(
        _ factory: Factory.Type, _ name: String, options: Factory.Options, port: String?, setting: Setting
    ) async throws {
        let (logger, registry) = try bootstrap()
        let authenticator = try auth.authenticator()
        let transport = try makeTransport(defaultKind: "amqp", logger: logger)
        let service = try await factory.make(
            environment(for: name, transport: transport, authenticator: authenticator, logger: logger),
            options: options)
        let port = try Self.port(port, setting)
        logger.info("\(name) listening", metadata: ["http.port": "\(port)"])
        try await ServiceRunner.run(
            [ServiceEndpoint(service: service, host: resolvedHost, port: port)], registry: registry, logger: logger)
    }
}

/// `magistere up`: the whole platform in one process, over the embedded bus unless told otherwise.
struct UpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up",
        abstract: "Run the three services in one process (embedded bus by default), with the seed courses.")
    @OptionGroup var runtime: RuntimeOptions
    @Option(name: .customLong("catalog-port"), help: "env MAGISTERE_CATALOG_PORT; default 8081.") var catalogPort:
        String?
    @Option(name: .customLong("enrolment-port"), help: "env MAGISTERE_ENROLMENT_PORT; default 8082.") var enrolmentPort:
        String?
    @Option(name: .customLong("tracking-port"), help: "env MAGISTERE_TRACKING_PORT; default 8083.") var trackingPort:
        String?
    @Option(name: .customLong("web-port"), help: "env MAGISTERE_WEB_PORT; default 8080.") var webPort: String?
    @Flag(help: "Do not publish the seed courses.") var noSeed = false

    func run() async throws {
        let (logger, registry) = try runtime.bootstrap()
        // No key configured: the embedded mode's own secret in the data folder, shared with `magistere token`.
        let authenticator = try runtime.auth.authenticator(embeddedDataDirectory: runtime.resolvedDataDirectory)
        let transport = try runtime.makeTransport(defaultKind: "embedded", logger: logger)
        let host = runtime.resolvedHost
        let ports = (
            try RuntimeOptions.port(catalogPort, Settings.catalogPort),
            try RuntimeOptions.port(enrolmentPort, Settings.enrolmentPort),
            try RuntimeOptions.port(trackingPort, Settings.trackingPort),
            try RuntimeOptions.port(webPort, Settings.webPort)
        )
        // Consumers' queues exist before the catalogue publishes its seed, so nothing is missed.
        func environment(_ service: String) -> ServiceEnvironment {
            runtime.environment(for: service, transport: transport, authenticator: authenticator, logger: logger)
        }
        let enrolment = try await EnrolmentServiceFactory.make(environment("enrolment"))
        let tracking = try await TrackingServiceFactory.make(environment("tracking"))
        // Every queue a consumer or tracking's partition router reads or feeds (the router's intake and the
        // partition queues, not only plain consumers': without them the seed's events found no queue of tracking's
        // and were dropped, so that no session of a seed course could record progress).
        for service in [enrolment, tracking] {
            for case let subscriber as any EventSubscriber in service.background {
                for subscription in subscriber.subscriptions { try await transport.declare(subscription) }
            }
        }
        let catalog = try await CatalogServiceFactory.make(environment("catalog"), options: .init(loadSeed: !noSeed))
        // The web front calls the three servers of this process over loopback, as it would call them anywhere.
        let local = host == "0.0.0.0" || host == "::" ? "127.0.0.1" : host
        let web = try await WebFront(
            try await WebSettings(
                catalogURL: "http://\(local):\(ports.0)", enrolmentURL: "http://\(local):\(ports.1)",
                trackingURL: "http://\(local):\(ports.2)"
            ).configuration(
                auth: runtime.auth, embeddedDataDirectory: runtime.resolvedDataDirectory, demoByDefault: true))
        let banner = """

            M@gistère is up (data in \(runtime.resolvedDataDirectory)/, Ctrl-C to stop):
              catalog    http://\(host):\(ports.0)   (try /search?q=evaluation, /openapi.json)
              enrolment  http://\(host):\(ports.1)   (/openapi.json)
              tracking   http://\(host):\(ports.2)   (/openapi.json, /xapi/statements)
              web pages  http://\(host):\(ports.3)   (open it in a browser: sign in as a teacher, trainer or manager)
              each: /health /ready /metrics
              calls need a token: magistere token --data-dir \(runtime.resolvedDataDirectory) --subject t-0001 --role participant

            """
        let serversUp = Mutex(0)
        // Printed once, when the fourth server (the web front) listens.
        let onReady: @Sendable () async -> Void = {
            if serversUp.withLock({ count in
                count += 1
                return count == 4
            }) {
                FileHandle.standardOutput.write(Data(banner.utf8))
            }
        }
        try await ServiceRunner.run(
            [
                ServiceEndpoint(service: catalog, host: host, port: ports.0),
                ServiceEndpoint(service: enrolment, host: host, port: ports.1),
                ServiceEndpoint(service: tracking, host: host, port: ports.2),
            ], registry: registry, logger: logger,
            onReady: onReady,
            alongside: [web.application(host: host, port: ports.3, logger: logger, onReady: onReady)])
    }
}
