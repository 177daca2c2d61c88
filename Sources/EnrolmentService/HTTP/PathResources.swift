import Contracts
import Hummingbird
import ServiceSupport

/// Loads what a route's path names, so that handlers check the caller's scope on the real resource
/// (404 for an unknown id first, then 403) before reading a body or changing anything.
struct PathResources {
    let application: EnrolmentApplication

    /// The path's session.
    func session(_ context: ServiceRequestContext) async throws -> SessionView {
        try await application.session(try Self.id(context, naming: "Session"))
    }

    /// The path's session id and the caller's subject, once the caller manages the session's academy.
    func managedSession(_ context: ServiceRequestContext, to action: String) async throws -> (id: String, actor: String)
    {
        let caller = try context.requireCaller()
        let session = try await session(context)
        try EnrolmentScope(caller).requireManager(of: session.academy, to: action)
        return (session.id, caller.subject)
    }

    /// The path's enrolment and its session.
    func enrolmentInSession(_ context: ServiceRequestContext) async throws -> (EnrolmentView, SessionView) {
        let enrolment = try await application.enrolment(try Self.id(context, naming: "Enrolment"))
        return (enrolment, try await application.session(enrolment.sessionID))
    }

    /// The `{id}` of the path (see ``PathIdentifier``: never reaches the store unless it can be an id).
    static func id(_ context: ServiceRequestContext, naming what: String) throws -> String {
        try PathIdentifier.require(naming: what, in: context)
    }
}
