import Foundation
import Hummingbird
import Prometheus

/// A readiness check: a name and a probe that throws when the service is not ready.
public struct ReadinessCheck: Sendable {
    public var name: String
    public var probe: @Sendable () async throws -> Void

    public init(_ name: String, probe: @escaping @Sendable () async throws -> Void) {
        self.name = name
        self.probe = probe
    }
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
        router.get("health") { _, _ in
            JSONResponse(Status(status: "alive", checks: ["service": service]))
        }
        router.get("ready") { _, _ in
            var results: [String: String] = [:]
            var ready = true
            for check in checks {
                do {
                    try await check.probe()
                    results[check.name] = "ok"
                } catch {
                    ready = false
                    results[check.name] = "\(error)"
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
