import Foundation
import HTTPTypes
import Hummingbird
import ServiceSupport

/// Sends a request about a session of a partition this instance does not own to the instance that does, by the
/// partition map: `307 Temporary Redirect` (method and body kept) for reads and attendance sheets. Progress
/// reports never get here (they are forwarded through the broker, 202); what cannot be redirected (an xAPI batch,
/// whose statements may belong to several instances), or a partition the map gives to this very instance (a map
/// that disagrees with the instance's partitions), stays a 421 problem.
struct PartitionRedirectMiddleware<Context: RequestContext>: RouterMiddleware {
    let map: CurrentMap
    let instance: String?

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    )
        async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch TrackingError.notOwned(let partition) {
            guard !request.uri.path.hasPrefix("/xapi/statements"), let owner = map.value?.owner(of: partition),
                owner.name != instance
            else { throw TrackingError.notOwned(partition: partition) }
            let base = owner.url.hasSuffix("/") ? String(owner.url.dropLast()) : owner.url
            return Response(
                status: .temporaryRedirect,
                headers: [
                    .location: base + request.uri.description,
                    HTTPField.Name("Magistere-Partition")!: "\(partition)",
                ])
        }
    }
}
