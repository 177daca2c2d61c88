import Contracts
import Foundation
import HTTPTypes
import Hummingbird
import ServiceSupport

/// Enrolments: the three ways in, bulk designation, decisions, and reading them.
struct EnrolmentController {
    let application: EnrolmentApplication
    var resources: PathResources { PathResources(application: application) }

    /// The largest designation file accepted.
    static let csvLimit = CSVFile.limit

    func addRoutes(to router: some RouterMethods<ServiceRequestContext>) {
        let group = router.group().add(middleware: NoQueryParameters())
        // The three ways in, one route each: the session's mode decides which one it accepts (409 otherwise).
        group.post("/sessions/{id}/applications") { request, context in
            try await enter(request, context, .application)
        }
        group.post("/sessions/{id}/enrolments") { request, context in
            try await enter(request, context, .selfEnrolment)
        }
        group.post("/sessions/{id}/designations") { request, context in
            let (sessionID, actor) = try await resources.managedSession(
                context, to: "designate teachers to this session")
            let body = try await JSONBody.decode(RequestBodies.Designation.self, from: request)
            try RequestBodies.checkParticipant(body.participantID)
            if let group = body.group, group.isEmpty || group.count > 64 {
                throw Problem.invalid("group", "1 to 64 characters")
            }
            let view = try await application.enter(
                session: sessionID, participant: body.participantID,
                by: .designation(acceptanceRequired: body.acceptanceRequired ?? false), group: body.group, actor: actor)
            return try Reply.json(
                view, .created, location: "/enrolments/\(view.id)", request: request, context: context)
        }
        router.post("/sessions/{id}/designations.csv") { request, context in
            try await designateInBulk(request, context)
        }
        router.get("/sessions/{id}/enrolments") { request, context in
            let query = try QueryParameters(request, allowed: ["state"])
            let state = try query.parse(
                "state", expected: EnrolmentState.allCases.map(\.rawValue).joined(separator: ", "),
                EnrolmentState.init(rawValue:))
            let session = try await resources.session(context)
            try EnrolmentScope(try context.requireCaller()).requireStaff(of: session, to: "list its enrolments")
            let list = try await application.enrolments(session: session.id, state: state)
            return try Reply.json(EnrolmentList(enrolments: list), request: request, context: context)
        }
        group.get("/enrolments/{id}") { request, context in
            let (enrolment, session) = try await resources.enrolmentInSession(context)
            try EnrolmentScope(try context.requireCaller()).requireReader(of: enrolment, in: session)
            return try Reply.json(enrolment, request: request, context: context)
        }
        group.get("/enrolments/{id}/history") { request, context in
            let (enrolment, session) = try await resources.enrolmentInSession(context)
            try EnrolmentScope(try context.requireCaller()).requireReader(of: enrolment, in: session)
            let history = History(transitions: try await application.history(of: "enrolment", id: enrolment.id))
            return try Reply.json(history, request: request, context: context)
        }
        for command in [EnrolmentCommand.approve, .refuse, .withdraw, .accept] {
            group.post("/enrolments/{id}/\(command.rawValue)") { request, context in
                let caller = try context.requireCaller()
                let (enrolment, session) = try await resources.enrolmentInSession(context)
                try Self.authorise(command, on: enrolment, in: session, by: EnrolmentScope(caller))
                let body = try await RequestBodies.optional(RequestBodies.Decision.self, from: request)
                try RequestBodies.checkReason(body?.reason)
                let view = try await application.apply(
                    command, toEnrolment: enrolment.id, actor: caller.subject, reason: body?.reason)
                return try Reply.json(view, request: request, context: context)
            }
        }
    }

    /// Who may send `command` to an enrolment: approving and refusing are the academy manager's;
    /// withdrawing is the teacher's, or the manager's on their behalf; accepting a designation, the teacher's alone.
    static func authorise(
        _ command: EnrolmentCommand, on enrolment: EnrolmentView, in session: SessionView, by scope: EnrolmentScope
    ) throws {
        switch command {
        case .withdraw:
            try scope.requireOwner(of: enrolment, in: session, managerMay: true, to: "withdraw it")
        case .accept:
            try scope.requireOwner(of: enrolment, in: session, managerMay: false, to: "accept it")
        default:
            try scope.requireManager(of: session.academy, to: "\(command.rawValue) its enrolments")
        }
    }

    /// A teacher applies or enrols; a manager may do it for them by naming the participant.
    private func enter(
        _ request: Request, _ context: ServiceRequestContext, _ entry: EnrolmentEntry
    ) async throws -> Response {
        let caller = try context.requireCaller()
        let session = try await resources.session(context)
        let body = try await RequestBodies.optional(RequestBodies.Entry.self, from: request)
        let participant = body?.participantID ?? caller.subject
        try RequestBodies.checkParticipant(participant)
        try EnrolmentScope(caller).requireEntrant(participant, of: session)
        let view = try await application.enter(
            session: session.id, participant: participant, by: entry, actor: caller.subject)
        return try Reply.json(view, .created, location: "/enrolments/\(view.id)", request: request, context: context)
    }

    /// `POST /sessions/{id}/designations.csv`: the whole file is checked, then applied in one transaction.
    private func designateInBulk(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let query = try QueryParameters(request, allowed: ["acceptanceRequired"])
        let acceptance = try query.parse("acceptanceRequired", expected: "true or false") { Bool($0) } ?? false
        let (sessionID, actor) = try await resources.managedSession(context, to: "designate teachers to this session")
        let list = try DesignationList.parse(try await CSVFile.text(of: request, naming: "designation file"))
        let views = try await application.designate(
            list, session: sessionID, acceptanceRequired: acceptance, actor: actor)
        return try Reply.json(EnrolmentList(enrolments: views), .created, request: request, context: context)
    }

    /// A list of enrolments.
    struct EnrolmentList: Codable, Sendable {
        var enrolments: [EnrolmentView]
    }
}
