import ArgumentParser
import Foundation
import Logging
import Messaging
import Metrics
import Prometheus
import ServiceSupport

/// Options shared by the commands that run services.
struct RuntimeOptions: ParsableArguments {
    @OptionGroup var broker: BrokerOptions
    @OptionGroup var auth: AuthOptions

    @Option(name: .customLong("data-dir"), help: "Folder of the stores (env MAGISTERE_DATA_DIR; default data).")
    var dataDirectory: String?

    @Option(help: "amqp or embedded (env MAGISTERE_TRANSPORT; default amqp, embedded for `up`).")
    var transport: String?

    @Option(help: "HTTP listen address (env MAGISTERE_HTTP_HOST; default 127.0.0.1).")
    var host: String?

    @Option(name: .customLong("log-format"), help: "logfmt or json (env MAGISTERE_LOG_FORMAT; default logfmt).")
    var logFormat: String?

    @Option(name: .customLong("log-level"), help: "Log level (env MAGISTERE_LOG_LEVEL; default info).")
    var logLevel: String?

    var resolvedDataDirectory: String { Settings.dataDirectory.resolve(dataDirectory) }
    var resolvedHost: String { Settings.host.resolve(host) }

    func storePath(for service: String) -> String {
        URL(fileURLWithPath: resolvedDataDirectory).appendingPathComponent("\(service).sqlite").path
    }

    /// Sets up logging and metrics once for the process; returns the root logger and the registry.
    func bootstrap() throws -> (Logger, PrometheusCollectorRegistry) {
        let formatText = Settings.logFormat.resolve(logFormat)
        guard let format = StructuredLogHandler.Format(rawValue: formatText) else {
            throw ValidationError("log format must be logfmt or json, not '\(formatText)'")
        }
        let levelText = Settings.logLevel.resolve(logLevel)
        guard let level = Logger.Level(rawValue: levelText) else {
            throw ValidationError("unknown log level '\(levelText)'")
        }
        LoggingSystem.bootstrap { label in StructuredLogHandler(label: label, format: format, level: level) }
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return (Logger(label: "magistere"), registry)
    }

    /// The bus: RabbitMQ, or the embedded SQLite bus in the data folder.
    func makeTransport(defaultKind: String, logger: Logger) throws -> any MessageTransport {
        let kind = transport ?? ProcessInfo.processInfo.environment[Settings.transport.environment] ?? defaultKind
        switch kind {
        case "amqp":
            let transport = try broker.transport(logger: logger)
            logger.info("using RabbitMQ", metadata: ["amqp.endpoint": "\(transport.endpoint)"])
            return transport
        case "embedded":
            try FileManager.default.createDirectory(
                atPath: resolvedDataDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700]
            )
            let path = URL(fileURLWithPath: resolvedDataDirectory).appendingPathComponent("bus.sqlite").path
            logger.info("using the embedded bus", metadata: ["bus.path": "\(path)"])
            return try EmbeddedTransport(path: path)
        default:
            throw ValidationError("transport must be amqp or embedded, not '\(kind)'")
        }
    }

    func environment(
        for service: String, transport: any MessageTransport, authenticator: Authenticator, logger: Logger
    ) -> ServiceEnvironment {
        var logger = logger
        logger[metadataKey: "service"] = "\(service)"
        return ServiceEnvironment(
            storePath: storePath(for: service), transport: transport, logger: logger, authenticator: authenticator)
    }

    static func port(_ value: String?, _ setting: Setting) throws -> Int {
        let text = setting.resolve(value)
        guard let port = Int(text), (1...65_535).contains(port) else {
            throw ValidationError("\(setting.flag) must be a port number, not '\(text)'")
        }
        return port
    }
}
