import Foundation
import HTTPTypes
import Hummingbird

/// A replay, as `POST /replays` and `GET /replays/{id}` answer it, on every service that replays.
public struct ReplayView: Codable, Sendable, Equatable {
    public var id: String
    /// `running`, `done`, or `failed` (some part could not be sent: `failures` says which and why).
    public var state: String
    public var eventType: String
    public var academy: String?
    public var since: Date
    public var until: Date
    public var queue: String
    public var requestedAt: Date
    /// Parts whose events were all sent, of `partitions` (tracking: one per partition; enrolment: one).
    public var partitionsDone: Int
    public var partitions: Int
    /// Events sent to the queue so far.
    public var eventsSent: Int
    public var failures: [String]
    public var finishedAt: Date?

    public init(
        id: String, state: String, scope: ReplayScope, requestedAt: Date, partitionsDone: Int, partitions: Int,
        eventsSent: Int, failures: [String], finishedAt: Date?
    ) {
        self.id = id
        self.state = state
        self.eventType = scope.eventType
        self.academy = scope.academy
        self.since = scope.since
        self.until = scope.until
        self.queue = scope.queue
        self.requestedAt = requestedAt
        self.partitionsDone = partitionsDone
        self.partitions = partitions
        self.eventsSent = eventsSent
        self.failures = failures
        self.finishedAt = finishedAt
    }
}

/// What a service that replays its events offers its routes.
public protocol ReplayService: Sendable {
    /// Checks (``ReplayRules/check(_:by:replayable:service:now:)``) and starts a replay.
    func request(_ request: ReplayRequest, by caller: Caller) async throws -> ReplayView
    /// A replay as its subscriber (or an operator) follows it; 404 for anyone else.
    func view(_ replayID: String, for caller: Caller) async throws -> ReplayView
}

/// Subscribers' replays (issue 17), the same routes on every service that replays.
///
/// | route | what | who |
/// |---|---|---|
/// | `POST /replays` | send again to the caller's queue the events of a period, with their original ids (202) | a subscriber whose token names the event type and the academy |
/// | `GET /replays/{id}` | how far the replay is | the subscriber who asked; an operator |
public struct ReplayRoutes: Sendable {
    let replays: any ReplayService

    public init(_ replays: any ReplayService) { self.replays = replays }

    public func addRoutes(to router: some RouterMethods<ServiceRequestContext>) {
        let router = router.group().add(middleware: NoQueryParameters())
        router.post("replays") { request, context in
            let caller = try context.requireCaller()
            let body = try await JSONBody.decode(ReplayRequest.self, from: request)
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
