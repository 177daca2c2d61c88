import Contracts
import Hummingbird
import ServiceSupport

/// Sessions: scheduling, reading, life cycle and staff.
///
/// The offer of sessions is not personal data: any authenticated caller reads it, staff ids included
/// (pseudonymous ids, which teachers need to know who leads a session). Every change is a manager's of
/// the session's academy; the history of changes is for that manager and the session's staff.
struct SessionController {
    let application: EnrolmentApplication
    var resources: PathResources { PathResources(application: application) }

    func addRoutes(to router: some RouterMethods<ServiceRequestContext>) {
        let group = router.group().add(middleware: NoQueryParameters())
        group.post("/sessions") { request, context in
            let caller = try context.requireCaller()
            let plan = try await JSONBody.decode(SessionPlan.self, from: request)
            // The academy is checked before the caller's scope, which names it in a refusal.
            let academy = Session.academyViolations(plan.academy)
            guard academy.isEmpty else { throw InvalidPlan(academy) }
            try EnrolmentScope(caller).requireManager(of: plan.academy, to: "schedule its sessions")
            let view = try await application.schedule(plan, actor: caller.subject)
            return try Reply.json(view, .created, location: "/sessions/\(view.id)", request: request, context: context)
        }
        router.get("/sessions") { request, context in
            let query = try QueryParameters(request, allowed: ["academy", "state", "district", "pafModule", "staff"])
            let academy = try query.parse("academy", expected: "an academy code (letters, digits, - _ . :)") {
                PseudonymousIdentifier.isValid($0) ? $0 : nil
            }
            let state = try query.parse(
                "state", expected: SessionState.allCases.map(\.rawValue).joined(separator: ", "),
                SessionState.init(rawValue:))
            let label = { (name: String) in
                try query.parse(name, expected: "1 to 100 characters") { (1...100).contains($0.count) ? $0 : nil }
            }
            let staff = try query.parse("staff", expected: "a pseudonymous id (letters, digits, - _ . :)") {
                PseudonymousIdentifier.isValid($0) ? $0 : nil
            }
            let sessions = try await application.sessions(
                academy: academy, state: state, district: try label("district"), pafModule: try label("pafModule"),
                staff: staff)
            return try Reply.json(SessionList(sessions: sessions), request: request, context: context)
        }
        group.get("/sessions/{id}") { request, context in
            return try Reply.json(try await resources.session(context), request: request, context: context)
        }
        for (path, command) in [("open", SessionCommand.open), ("start", .start), ("close", .close)] {
            group.post("/sessions/{id}/\(path)") { request, context in
                let (id, actor) = try await resources.managedSession(context, to: "\(path) this session")
                let view = try await application.apply(command, toSession: id, actor: actor)
                return try Reply.json(view, request: request, context: context)
            }
        }
        group.post("/sessions/{id}/cancel") { request, context in
            let (id, actor) = try await resources.managedSession(context, to: "cancel this session")
            let body = try await JSONBody.decode(RequestBodies.Cancellation.self, from: request)
            try RequestBodies.checkReason(body.reason, required: true)
            let view = try await application.apply(.cancel(reason: body.reason), toSession: id, actor: actor)
            return try Reply.json(view, request: request, context: context)
        }
        group.put("/sessions/{id}/trainers") { request, context in
            try await assignStaff(request, context, RequestBodies.Trainers.self) {
                ("trainerIDs", $0.trainerIDs, .assignTrainers($0.trainerIDs))
            }
        }
        group.put("/sessions/{id}/tutors") { request, context in
            try await assignStaff(request, context, RequestBodies.Tutors.self) {
                ("tutorIDs", $0.tutorIDs, .assignTutors($0.tutorIDs))
            }
        }
        group.get("/sessions/{id}/history") { request, context in
            let session = try await resources.session(context)
            try EnrolmentScope(try context.requireCaller()).requireStaff(of: session, to: "read its history")
            let history = History(transitions: try await application.history(of: "session", id: session.id))
            return try Reply.json(history, request: request, context: context)
        }
    }

    /// `PUT /sessions/{id}/trainers|tutors`: the staff list `body` names replaces the current one.
    private func assignStaff<Body: Decodable>(
        _ request: Request, _ context: ServiceRequestContext, _ body: Body.Type,
        _ command: (Body) -> (field: String, ids: [String], command: SessionCommand)
    ) async throws -> Response {
        let staff = String(request.uri.path.split(separator: "/").last ?? "staff")
        let (id, actor) = try await resources.managedSession(context, to: "assign this session's \(staff)")
        let (field, ids, sessionCommand) = command(try await JSONBody.decode(Body.self, from: request))
        try Self.checkStaff(field, ids)
        let view = try await application.apply(sessionCommand, toSession: id, actor: actor)
        return try Reply.json(view, request: request, context: context)
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
