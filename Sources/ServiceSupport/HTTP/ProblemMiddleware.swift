import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Turns every error escaping a route into `application/problem+json`, in one place.
///
/// A service's domain errors conform to ``ProblemConvertible``; nothing else maps errors.
/// Hummingbird's own errors (unknown route, body too large, unsupported method…) become problems
/// too; anything unexpected is a 500 whose details stay in the log, not in the response.
public struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    )
        async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as any ProblemConvertible {
            // A problem, or a service's domain error that knows its problem.
            return try error.problem.response(from: request, context: context)
        } catch let error as HTTPError {
            return try Self.problem(for: error).response(from: request, context: context)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            // NIO's "too many bytes" (collecting an oversized body) would render a bare 413 by itself.
            let problem = Problem(
                .contentTooLarge, kind: "too-large", title: "Request body too large",
                detail: "the body is over the \(JSONBody.defaultLimit / 1024) KiB limit")
            return try problem.response(from: request, context: context)
        } catch let error as any HTTPResponseError {
            // A service's own error type renders itself (e.g. a CSV report with line numbers).
            return try error.response(from: request, context: context)
        } catch {
            context.logger.error("request failed", metadata: ["error": "\(error)"])
            let problem = Problem(
                .internalServerError, kind: "internal", title: "Internal error",
                detail: "the server could not complete the request; it has been logged")
            return try problem.response(from: request, context: context)
        }
    }

    /// The problem for one of Hummingbird's own errors (unknown route, body too large…).
    public static func problem(for error: HTTPError) -> Problem {
        switch error.status {
        case .notFound:
            return Problem(
                .notFound, kind: "not-found", title: "Not found", detail: error.body ?? "no such resource",
                headers: error.headers)
        case .contentTooLarge:
            return Problem(
                .contentTooLarge, kind: "too-large", title: "Request body too large",
                detail: error.body ?? "the body is over the size limit", headers: error.headers)
        case .methodNotAllowed:
            return Problem(
                .methodNotAllowed, kind: "method-not-allowed", title: "Method not allowed",
                detail: error.body, headers: error.headers)
        default:
            return Problem(
                error.status, kind: "http", title: error.status.reasonPhrase, detail: error.body,
                headers: error.headers)
        }
    }
}
