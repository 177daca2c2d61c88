import Contracts
import Hummingbird
import ServiceSupport

/// Sessions: scheduling, reading, life cycle and staff.
struct SessionRoutes {
    let store: EnrolmentStore

    func register(on group: RouterGroup<ServiceRequestContext>) {
        group.post("/sessions") { request, context in
            _ = try QueryParameters(request)
            let actor = try ActorIdentity.actor(of: request)
            let plan = try await JSONBody.decode(SessionPlan.self, from: request)
            let view = try await store.schedule(plan, actor: actor)
            return try Reply.json(view, .created, location: "/sessions/\(view.id)", request: request, context: context)
        }
        group.get("/sessions") { request, context in
            let query = try QueryParameters(request, allowed: ["academy", "state"])
            let state = try query.parse(
                "state", expected: SessionState.allCases.map(\.rawValue).joined(separator: ", "), SessionState.init(rawValue:))
            let sessions = try await store.sessions(academy: query["academy"], state: state)
            return try Reply.json(SessionList(sessions: sessions), request: request, context: context)
        }
        group.get("/sessions/{id}") { request, context in
            _ = try QueryParameters(request)
            return try Reply.json(try await store.session(try context.parameters.require("id")), request: request, context: context)
        }
        for (path, command) in [("open", SessionCommand.open), ("start", .start), ("close", .close)] {
            group.post("/sessions/{id}/\(path)") { request, context in
                _ = try QueryParameters(request)
                let actor = try ActorIdentity.actor(of: request)
                let view = try await store.apply(command, toSession: try context.parameters.require("id"), actor: actor)
                return try Reply.json(view, request: request, context: context)
            }
        }
        group.post("/sessions/{id}/cancel") { request, context in
            _ = try QueryParameters(request)
            let actor = try ActorIdentity.actor(of: request)
            let body = try await JSONBody.decode(RequestBodies.Cancellation.self, from: request)
            try RequestBodies.checkReason(body.reason, required: true)
            let view = try await store.apply(.cancel(reason: body.reason), toSession: try context.parameters.require("id"), actor: actor)
            return try Reply.json(view, request: request, context: context)
        }
        group.put("/sessions/{id}/trainers") { request, context in
            _ = try QueryParameters(request)
            let actor = try ActorIdentity.actor(of: request)
            let body = try await JSONBody.decode(RequestBodies.Trainers.self, from: request)
            try Self.checkStaff("trainerIDs", body.trainerIDs)
            let view = try await store.apply(.assignTrainers(body.trainerIDs), toSession: try context.parameters.require("id"), actor: actor)
            return try Reply.json(view, request: request, context: context)
        }
        group.put("/sessions/{id}/tutors") { request, context in
            _ = try QueryParameters(request)
            let actor = try ActorIdentity.actor(of: request)
            let body = try await JSONBody.decode(RequestBodies.Tutors.self, from: request)
            try Self.checkStaff("tutorIDs", body.tutorIDs)
            let view = try await store.apply(.assignTutors(body.tutorIDs), toSession: try context.parameters.require("id"), actor: actor)
            return try Reply.json(view, request: request, context: context)
        }
        group.get("/sessions/{id}/history") { request, context in
            _ = try QueryParameters(request)
            let id = try context.parameters.require("id")
            _ = try await store.session(id)
            return try Reply.json(History(transitions: try await store.history(of: "session", id: id)), request: request, context: context)
        }
    }

    static func checkStaff(_ field: String, _ ids: [String]) throws {
        let violations = Session.staffViolations(field, ids)
        guard violations.isEmpty else { throw InvalidPlan(violations) }
    }

    /// `GET /sessions`.
    struct SessionList: Codable, Sendable {
        var sessions: [SessionView]
    }
}

/// The recorded transitions of a session or an enrolment.
struct History: Codable, Sendable {
    var transitions: [Transition]
}
