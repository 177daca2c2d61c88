import Contracts
import Foundation
import HTTPTypes
import Hummingbird
import ServiceSupport

/// The xAPI document resources over HTTP (``DocumentResource``): `/xapi/activities/state`,
/// `/xapi/activities/profile` and `/xapi/agents/profile`, each with GET (one document by id, or the ids), PUT,
/// POST (merge JSON objects) and DELETE.
///
/// Who: a State and an Agent Profile belong to their agent — a caller reads and writes those of their own agent only
/// (403 otherwise); an Activity Profile is read by anyone the route lets in and written by designers, trainers,
/// tutors and managers (``TrackingAccess``).
struct DocumentController: Sendable {
    let resource: DocumentResource

    private struct Shape: Sendable {
        let kind: DocumentResource.Kind
        let path: String
        let idName: String
        var needsActivity: Bool { kind != .agentProfile }
        var needsAgent: Bool { kind != .activityProfile }
        var allowed: Set<String> {
            var names: Set<String> = [idName, "since"]
            if needsActivity { names.insert("activityId") }
            if needsAgent { names.insert("agent") }
            if kind == .state { names.insert("registration") }
            return names
        }
    }

    private static let shapes = [
        Shape(kind: .state, path: "activities/state", idName: "stateId"),
        Shape(kind: .activityProfile, path: "activities/profile", idName: "profileId"),
        Shape(kind: .agentProfile, path: "agents/profile", idName: "profileId"),
    ]

    func addRoutes(to router: some RouterMethods<ServiceRequestContext>) {
        let group = router.group("xapi")
        for shape in Self.shapes {
            group.get(RouterPath(shape.path)) { request, context in
                let address = try Self.address(shape, request, context, idRequired: false)
                guard address.documentID != nil else {
                    let since = try Self.since(request)
                    let ids = try await resource.ids(address, since: since)
                    return try JSONResponse(ids).response(from: request, context: context)
                }
                guard let document = try await resource.document(address) else {
                    throw Problem(
                        .notFound, kind: "not-found", title: "Document not found",
                        detail: "no \(shape.kind.rawValue) document '\(address.documentID ?? "")' here")
                }
                return Response(
                    status: .ok,
                    headers: [
                        .contentType: document.contentType, .eTag: document.etag,
                        HTTPField.Name("X-Content-Type-Options")!: "nosniff",
                    ],
                    body: .init(byteBuffer: ByteBuffer(bytes: document.content)))
            }
            for (method, merge) in [(HTTPRequest.Method.put, false), (.post, true)] {
                group.on(RouterPath(shape.path), method: method) { request, context in
                    let address = try Self.address(shape, request, context, idRequired: true)
                    let content = try await JSONBody.collect(request, limit: StatementController.bodyLimit)
                    let type = request.headers[.contentType] ?? "application/octet-stream"
                    try await Self.run {
                        try await resource.write(
                            address, content: content, contentType: type, merge: merge,
                            preconditions: Self.preconditions(request))
                    }
                    return Response(status: .noContent)
                }
            }
            group.delete(RouterPath(shape.path)) { request, context in
                let address = try Self.address(shape, request, context, idRequired: shape.kind != .state)
                try await Self.run { try await resource.delete(address, preconditions: Self.preconditions(request)) }
                return Response(status: .noContent)
            }
        }
    }

    /// The request's document address, checked: the parameters the resource takes, an IRI for `activityId`, a JSON
    /// agent that is the caller's own (State, Agent Profile), a UUID for `registration`.
    private static func address(
        _ shape: Shape, _ request: Request, _ context: ServiceRequestContext, idRequired: Bool
    ) throws -> DocumentResource.Address {
        _ = try QueryParameters(request, allowed: shape.allowed)  // an unknown or repeated one: 400 invalid-query
        let parameters = StatementController.formDecodedQuery(request)
        var address = DocumentResource.Address(kind: shape.kind)
        if shape.kind == .activityProfile {
            // An activity's profiles are its academy's: a caller reads and writes those of their own academy only,
            // so that staff of one academy cannot change what another's content reads.
            address.agentKey = "academy:" + (try context.requireCaller().academy ?? "national")
        }
        if shape.needsActivity {
            address.activityID = try StatementController.activityID(parameters["activityId"])
        }
        if shape.needsAgent {
            guard let agent = parameters["agent"] else { throw XAPIProblem.invalid("agent", "required, a JSON agent") }
            address.agentKey = try StatementController.agentKey(agent)
            let caller = try context.requireCaller()
            guard address.agentKey == XAPIStatement.agentKey(ofSubject: caller.subject) else {
                throw Problem.forbidden(
                    "a \(shape.kind == .state ? "state" : "profile") document belongs to its agent: name your own account"
                )
            }
        }
        if let registration = parameters["registration"] {
            guard UUID(uuidString: String(registration)) != nil else {
                throw XAPIProblem.invalid("registration", "must be a UUID")
            }
            address.registration = registration.lowercased()
        }
        if let id = parameters[Substring(shape.idName)].map(String.init) {
            guard (1...256).contains(id.count) else { throw XAPIProblem.invalid(shape.idName, "1 to 256 characters") }
            guard parameters["since"] == nil else {
                throw XAPIProblem.invalid("since", "lists ids: it cannot be combined with \(shape.idName)")
            }
            address.documentID = id
        } else if idRequired {
            throw XAPIProblem.invalid(shape.idName, "required")
        }
        return address
    }

    private static func since(_ request: Request) throws -> Date? {
        guard let text = StatementController.formDecodedQuery(request)["since"] else { return nil }
        guard let date = Timestamp.parse(String(text)) else {
            throw XAPIProblem.invalid("since", "must be an ISO 8601 date-time")
        }
        return date
    }

    private static func preconditions(_ request: Request) -> DocumentResource.Preconditions {
        func tags(_ name: HTTPField.Name) -> [String]? {
            let values = request.headers[values: name].flatMap { $0.split(separator: ",") }
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            return values.isEmpty ? nil : values.map { $0.hasPrefix("W/") ? String($0.dropFirst(2)) : $0 }
        }
        return .init(ifMatch: tags(.ifMatch), ifNoneMatch: tags(.ifNoneMatch))
    }

    /// The resource's refusals as the specification's statuses.
    private static func run(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch DocumentResource.Failure.preconditionFailed {
            throw Problem(
                .preconditionFailed, kind: "version-mismatch", title: "The document changed since you read it",
                detail: "If-Match or If-None-Match does not hold for the document as it is now: read it again")
        } catch DocumentResource.Failure.preconditionRequired {
            throw Problem(
                .conflict, kind: "xapi-precondition-required", title: "The profile exists",
                detail: "send If-Match with its ETag to replace it (or If-None-Match: * to create it only if absent)")
        } catch DocumentResource.Failure.notMergeable(let reason) {
            throw XAPIProblem.invalid("", reason)
        }
    }
}
