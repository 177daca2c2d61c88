import Contracts
import Foundation
import HTTPTypes
import Hummingbird
import ServiceSupport

/// Enrolments: the three ways in, bulk designation, decisions, and reading them.
struct EnrolmentRoutes {
    let store: EnrolmentStore

    /// The largest designation file accepted.
    static let csvLimit = 1024 * 1024

    func register(on group: RouterGroup<ServiceRequestContext>) {
        // The three ways in, one route each: the session's mode decides which one it accepts (409 otherwise).
        group.post("/sessions/{id}/applications") { request, context in
            try await enter(request, context, .application)
        }
        group.post("/sessions/{id}/enrolments") { request, context in
            try await enter(request, context, .selfEnrolment)
        }
        group.post("/sessions/{id}/designations") { request, context in
            _ = try QueryParameters(request)
            let actor = try ActorIdentity.actor(of: request)
            let body = try await JSONBody.decode(RequestBodies.Designation.self, from: request)
            try RequestBodies.checkParticipant(body.participantID)
            if let group = body.group, group.isEmpty || group.count > 64 { throw Problem.invalid("group", "1 to 64 characters") }
            let view = try await store.enter(
                session: try context.parameters.require("id"), participant: body.participantID,
                by: .designation(acceptanceRequired: body.acceptanceRequired ?? false), group: body.group, actor: actor)
            return try Reply.json(view, .created, location: "/enrolments/\(view.id)", request: request, context: context)
        }
        group.post("/sessions/{id}/designations.csv") { request, context in
            try await designateInBulk(request, context)
        }
        group.get("/sessions/{id}/enrolments") { request, context in
            let query = try QueryParameters(request, allowed: ["state"])
            let state = try query.parse(
                "state", expected: EnrolmentState.allCases.map(\.rawValue).joined(separator: ", "), EnrolmentState.init(rawValue:))
            let list = try await store.enrolments(session: try context.parameters.require("id"), state: state)
            return try Reply.json(EnrolmentList(enrolments: list), request: request, context: context)
        }
        group.get("/enrolments/{id}") { request, context in
            _ = try QueryParameters(request)
            return try Reply.json(try await store.enrolment(try context.parameters.require("id")), request: request, context: context)
        }
        group.get("/enrolments/{id}/history") { request, context in
            _ = try QueryParameters(request)
            let id = try context.parameters.require("id")
            _ = try await store.enrolment(id)
            return try Reply.json(History(transitions: try await store.history(of: "enrolment", id: id)), request: request, context: context)
        }
        for command in [EnrolmentCommand.approve, .refuse, .withdraw, .accept] {
            group.post("/enrolments/{id}/\(command.rawValue)") { request, context in
                _ = try QueryParameters(request)
                let actor = try ActorIdentity.actor(of: request)
                let body = try await RequestBodies.optional(RequestBodies.Decision.self, from: request)
                try RequestBodies.checkReason(body?.reason)
                let view = try await store.apply(
                    command, toEnrolment: try context.parameters.require("id"), actor: actor, reason: body?.reason)
                return try Reply.json(view, request: request, context: context)
            }
        }
    }

    /// A teacher applies or enrols; a manager may do it for them by naming the participant.
    private func enter(_ request: Request, _ context: ServiceRequestContext, _ entry: EnrolmentEntry) async throws -> Response {
        _ = try QueryParameters(request)
        let actor = try ActorIdentity.actor(of: request)
        let body = try await RequestBodies.optional(RequestBodies.Entry.self, from: request)
        let participant = body?.participantID ?? actor
        try RequestBodies.checkParticipant(participant)
        let view = try await store.enter(
            session: try context.parameters.require("id"), participant: participant, by: entry, actor: actor)
        return try Reply.json(view, .created, location: "/enrolments/\(view.id)", request: request, context: context)
    }

    /// `POST /sessions/{id}/designations.csv`: the whole file is checked, then applied in one transaction.
    private func designateInBulk(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let query = try QueryParameters(request, allowed: ["acceptanceRequired"])
        let acceptance = try query.parse("acceptanceRequired", expected: "true or false") { Bool($0) } ?? false
        let actor = try ActorIdentity.actor(of: request)
        let type = request.headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        guard type == "text/csv" else {
            throw Problem(
                .unsupportedMediaType, kind: "unsupported-media-type", title: "Unsupported media type",
                detail: "send the designation file as text/csv (got \(type ?? "no Content-Type"))",
                errors: [.init(field: "Content-Type", problem: "must be text/csv")])
        }
        let buffer = try await request.body.collect(upTo: Self.csvLimit)
        guard let text = String(validating: Data(buffer.readableBytesView), as: UTF8.self) else {
            throw Problem.malformed("", "the file is not UTF-8 text")
        }
        do {
            let list = try DesignationList.parse(text)
            let views = try await store.designate(
                list, session: try context.parameters.require("id"), acceptanceRequired: acceptance, actor: actor)
            return try Reply.json(EnrolmentList(enrolments: views), .created, request: request, context: context)
        } catch let rejected as DesignationFileRejected {
            return try Self.report(rejected, request: request)
        }
    }

    /// The 422 problem listing every bad line (line, field, problem): nothing of the file was applied.
    static func report(_ rejected: DesignationFileRejected, request: Request) throws -> Response {
        let body: [String: Any] = [
            "type": "https://magistere.education.gouv.fr/problems/validation", "title": "The designation file is not valid",
            "status": 422, "instance": request.uri.path,
            "detail": "\(rejected.errors.count) bad line(s): nothing was applied",
            "errors": rejected.errors.map {
                ["line": $0.line, "field": $0.field, "problem": $0.problem] as [String: Any]
            },
        ]
        let data = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys, .withoutEscapingSlashes])
        return Response(
            status: .unprocessableContent, headers: [.contentType: "application/problem+json"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// A list of enrolments.
    struct EnrolmentList: Codable, Sendable {
        var enrolments: [EnrolmentView]
    }
}
