import Foundation
import HTTPTypes
import Hummingbird
import ServiceSupport

/// Subscribers' replays (issue 17).
///
/// | route | what | who |
/// |---|---|---|
/// | `POST /replays` | send again to the caller's queue the completion events of a period, with their original ids (202) | a subscriber whose token names the event type and the academy |
/// | `GET /replays/{id}` | how far the replay is | the subscriber who asked; an operator |
struct ReplayController: Sendable {
    let replays: Replays

    func addRoutes(to router: some RouterMethods<ServiceRequestContext>) {
        let router = router.group().add(middleware: NoQueryParameters())
        router.post("replays") { request, context in
            let caller = try context.requireCaller()
            let body = try await JSONBody.decode(Replays.Request.self, from: request)
            let view = try await replays.request(body, by: caller)
            return JSONResponse(view, status: .accepted, headers: [.location: "/replays/\(view.id)"])
        }
        router.get("replays/:id") { request, context in
            let id = try PathIdentifier.require(naming: "Replay", in: context)
            let caller = try context.requireCaller()
            return JSONResponse(try await replays.view(id, for: caller))
        }
    }
}
