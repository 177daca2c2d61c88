import Foundation
import Hummingbird
import Logging
import Prometheus
import ServiceLifecycle

/// Where one service listens.
public struct ServiceEndpoint: Sendable {
    public var service: PlatformService
    public var host: String
    public var port: Int

    public init(service: PlatformService, host: String, port: Int) {
        self.service = service
        self.host = host
        self.port = port
    }
}

/// Runs services in one process: each one's HTTP server and background work in one `ServiceGroup`,
/// stopped gracefully on SIGTERM / SIGINT (servers stop taking requests, consumers finish or hand
/// back their in-flight message, relays make a last attempt to flush the outbox).
/// `alongside`: other servers of the same process (the web front of `magistere up`).
public enum ServiceRunner {
    public static func run(
        _ endpoints: [ServiceEndpoint], registry: PrometheusCollectorRegistry?, logger: Logger,
        onReady: (@Sendable () async -> Void)? = nil, alongside: [any Service] = []
    ) async throws {
        var services: [any Service] = alongside
        for endpoint in endpoints {
            var serviceLogger = logger
            serviceLogger[metadataKey: "service"] = "\(endpoint.service.name.rawValue)"
            services.append(
                endpoint.service.application(
                    host: endpoint.host, port: endpoint.port, registry: registry, logger: serviceLogger,
                    onReady: onReady))
            services.append(contentsOf: endpoint.service.background)
        }
        let group = ServiceGroup(
            configuration: .init(
                services: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) },
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
    }
}
