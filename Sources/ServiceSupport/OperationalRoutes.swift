import Foundation
import Hummingbird
import Metrics
import Prometheus
import Synchronization

/// A readiness check: a name and a probe that throws when the service is not ready.
public struct ReadinessCheck: Sendable {
    public var name: String
    public var probe: @Sendable () async throws -> Void

    public init(_ name: String, probe: @escaping @Sendable () async throws -> Void) {
        self.name = name
        self.probe = probe
    }
}

/// A background service with readiness checks of its own (beside the store, outbox, bus and consumer checks
/// every service has).
public protocol ReadinessReporting {
    var readinessChecks: [ReadinessCheck] { get }
}

/// `/health` (the process is alive), `/ready` (store open, broker connected, consumers running)
/// and Prometheus `/metrics`: the same on every service.
public enum OperationalRoutes {
    struct Status: Codable, Sendable {
        var status: String
        var checks: [String: String]
    }

    public static func add<Context: RequestContext>(
        to router: Router<Context>, service: String, checks: [ReadinessCheck], registry: PrometheusCollectorRegistry?
    ) {
        // Probes take no query parameter: one sent is refused as on every other route.
        let router = router.group().add(middleware: NoQueryParameters())
        router.get("health") { _, _ in
            JSONResponse(Status(status: "alive", checks: ["service": service]))
        }
        let lastFailures = Mutex<[String: String]>([:])
        router.get("ready") { _, context in
            var results: [String: String] = [:]
            var ready = true
            for check in checks {
                // The route is open: it says ok or failed, never why (hosts, ports, close reasons are for the
                // operator's log and the operator-only /metrics).
                var failure: String?
                do {
                    try await check.probe()
                    results[check.name] = "ok"
                } catch {
                    ready = false
                    results[check.name] = "failed"
                    failure = "\(error)"
                }
                Gauge(label: "magistere_ready", dimensions: [("service", service), ("check", check.name)])
                    .record(failure == nil ? 1 : 0)
                let changed = lastFailures.withLock { last in
                    defer { last[check.name] = failure }
                    return last[check.name] != failure
                }
                if changed, let failure {
                    context.logger.warning(
                        "readiness check failed", metadata: ["check": "\(check.name)", "error": "\(failure)"])
                } else if changed {
                    context.logger.info("readiness check passes again", metadata: ["check": "\(check.name)"])
                }
            }
            return JSONResponse(
                Status(status: ready ? "ready" : "not ready", checks: results),
                status: ready ? .ok : .serviceUnavailable)
        }
        router.get("metrics") { _, _ -> Response in
            let text = registry?.emitToBuffer() ?? []
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                body: .init(byteBuffer: ByteBuffer(bytes: text)))
        }
    }
}
