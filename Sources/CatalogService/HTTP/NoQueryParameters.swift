import Hummingbird

/// Refuses any query parameter on the routes that take none (400 naming it), as the listing refuses
/// the ones it does not know: a filter sent to the wrong route is a client's mistake to report, not
/// to ignore.
struct NoQueryParameters<Context: RequestContext>: RouterMiddleware {
    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    )
        async throws -> Response
    {
        if let (name, _) = request.uri.queryParameters.first {
            throw CatalogueQueryParameters.invalid(String(name), "this operation takes no query parameter")
        }
        return try await next(request, context)
    }
}
