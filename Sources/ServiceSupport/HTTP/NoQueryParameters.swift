import Hummingbird

/// Refuses any query parameter on the routes of a group that take none, as ``QueryParameters`` refuses the
/// ones a route does not accept (400 `invalid-query` naming it). Controllers register their routes without
/// parameters behind it: `let plain = group.group().add(middleware: NoQueryParameters())`.
public struct NoQueryParameters<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        _ = try QueryParameters(request)
        return try await next(request, context)
    }
}
