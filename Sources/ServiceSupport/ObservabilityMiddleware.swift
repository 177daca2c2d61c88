import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Metrics

/// Request id, access log and HTTP metrics for every request.
///
/// The request id comes from `X-Request-ID` when the caller sends a sane one, and is returned in
/// the response; it is in the logger metadata of everything the request logs. Metrics are labelled
/// by route pattern (`/courses/{id}`), never by raw path, so ids do not explode label cardinality.
public struct ObservabilityMiddleware<Context: RequestContext>: RouterMiddleware {
    let service: String

    public init(service: String) { self.service = service }

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    )
        async throws -> Response
    {
        var context = context
        let requestID = Self.requestID(from: request)
        context.logger[metadataKey: "request.id"] = "\(requestID)"
        let started = ContinuousClock.now
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            // ProblemMiddleware sits inside this one, so errors rarely get here; count them anyway.
            record(request, context: context, status: 500, started: started)
            throw error
        }
        response.headers[HTTPField.Name("X-Request-ID")!] = requestID
        record(request, context: context, status: Int(response.status.code), started: started)
        return response
    }

    private func record(_ request: Request, context: Context, status: Int, started: ContinuousClock.Instant) {
        let route = context.endpointPath ?? "unmatched"
        let dimensions = [
            ("service", service), ("method", request.method.rawValue), ("route", route), ("status", String(status)),
        ]
        Counter(label: "magistere_http_requests_total", dimensions: dimensions).increment()
        Timer(label: "magistere_http_request_duration_seconds", dimensions: Array(dimensions.prefix(3)))
            .recordInterval(since: started)
        context.logger.debug(
            "request served",
            metadata: ["http.method": "\(request.method)", "http.route": "\(route)", "http.status": "\(status)"])
    }

    static func requestID(from request: Request) -> String {
        if let given = request.headers[HTTPField.Name("X-Request-ID")!], given.count <= 64,
            given.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
        {
            return given
        }
        return UUID().uuidString.lowercased()
    }
}

extension Timer {
    func recordInterval(since start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        let (seconds, attoseconds) = elapsed.components
        recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
