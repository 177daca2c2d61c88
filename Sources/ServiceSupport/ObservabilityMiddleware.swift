import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Messaging
import Metrics

/// Request id, trace context, access log and HTTP metrics for every request.
///
/// The trace context continues the caller's W3C `traceparent` when it sends a valid one, or starts a new
/// trace; the request's work (and every event its transaction appends) runs in a new span of it
/// (``TraceContext/current``), its logs carry `trace.id`, and the response says which span served it in
/// `traceresponse` (W3C Trace Context level 2).
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
        let trace =
            request.headers[.traceparent].flatMap(TraceContext.init(traceparent:))?.child() ?? TraceContext.new()
        context.logger[metadataKey: "trace.id"] = "\(trace.traceID)"
        let started = ContinuousClock.now
        var response: Response
        do {
            response = try await TraceContext.$current.withValue(trace) { try await next(request, context) }
        } catch {
            // ProblemMiddleware sits inside this one, so errors rarely get here; count them anyway.
            record(request, context: context, status: 500, started: started)
            throw error
        }
        response.headers[HTTPField.Name("X-Request-ID")!] = requestID
        response.headers[.traceresponse] = trace.traceparent
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

extension HTTPField.Name {
    /// W3C trace context: the caller's trace and span.
    public static let traceparent = HTTPField.Name("traceparent")!
    /// W3C trace context level 2: the span that served a request.
    public static let traceresponse = HTTPField.Name("traceresponse")!
}
