import Contracts
import Foundation
import HTTPTypes
import Hummingbird
import ServiceSupport

/// `/xapi/statements` (POST, PUT, GET) and `/xapi/about`, the xAPI 1.0.3 adapter over ``StatementResource``.
///
/// The statement routes need a bearer token; what each caller may send and read is ``StatementScope``.
struct StatementController: Sendable {
    let resource: StatementResource

    static let queryParameters: Set<String> = [
        "agent", "verb", "activity", "registration", "related_activities", "related_agents", "since", "until",
        "limit", "format", "attachments", "ascending", "from",
    ]
    static let singleParameters: Set<String> = ["statementId", "voidedStatementId", "attachments", "format"]

    func addRoutes(to router: some RouterMethods<ServiceRequestContext>) {
        let group = router.group("xapi")
        group.get("about") { request, _ in
            _ = try QueryParameters(request)
            return JSONResponse(About(version: [XAPIVocabulary.version]))
        }
        group.post("statements") { request, context in
            _ = try QueryParameters(request)
            let scope = StatementScope(caller: try context.requireCaller())
            let (body, attachments) = try await Self.content(request)
            let values: [JSONValue]
            if case .array(let list) = body {
                guard !list.isEmpty else { throw XAPIProblem.invalid("", "an empty batch") }
                guard list.count <= Self.maximumBatch else { throw XAPIProblem.batchTooLarge(list.count) }
                values = list
            } else {
                values = [body]
            }
            return JSONResponse(try await resource.store(values, attachments: attachments, by: scope))
        }
        group.put("statements") { request, context -> Response in
            _ = try QueryParameters(request, allowed: ["statementId"])
            let scope = StatementScope(caller: try context.requireCaller())
            guard let id = request.uri.queryParameters["statementId"].map(String.init), UUID(uuidString: id) != nil
            else {
                throw XAPIProblem.invalid("statementId", "required, a UUID")
            }
            let (body, attachments) = try await Self.content(request)
            guard case .object = body else { throw XAPIProblem.invalid("", "PUT takes one statement") }
            _ = try await resource.store([body], statementID: id, attachments: attachments, by: scope)
            return Response(status: .noContent)
        }
        group.get("statements") { request, context -> Response in
            try await get(request, scope: StatementScope(caller: try context.requireCaller()))
        }
    }

    struct About: Codable, Sendable {
        var version: [String]
    }

    /// The query string decoded as HTML forms encode it (`+` is a space), as xAPI clients send it.
    static func formDecodedQuery(_ request: Request) -> [Substring: Substring] {
        guard let query = request.uri.query, !query.isEmpty else { return [:] }
        func decode(_ text: Substring) -> Substring {
            let spaced = text.replacingOccurrences(of: "+", with: " ")
            return Substring(spaced.removingPercentEncoding ?? spaced)
        }
        var result: [Substring: Substring] = [:]
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            result[decode(parts[0])] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return result
    }

    private func get(_ request: Request, scope: StatementScope) async throws -> Response {
        let parameters = Self.formDecodedQuery(request)
        let names = Set(parameters.map { String($0.key) })
        for key in ["statementId", "voidedStatementId"] {
            guard let id = parameters[Substring(key)].map(String.init) else { continue }
            let unexpected = names.subtracting(Self.singleParameters).sorted()
            guard unexpected.isEmpty, !(names.contains("statementId") && names.contains("voidedStatementId")) else {
                throw XAPIProblem.invalid(key, "cannot be combined with \(unexpected.joined(separator: ", "))")
            }
            guard UUID(uuidString: id) != nil else { throw XAPIProblem.invalid(key, "must be a UUID") }
            let format = try Self.format(parameters)
            guard let body = try await resource.statement(id: id, voided: key == "voidedStatementId", for: scope) else {
                throw XAPIProblem.notFound(id)
            }
            let formatted = try format.apply(to: body, languages: Self.languages(request))
            return try await reply(formatted, statements: [body], withAttachments: parameters["attachments"] == "true")
        }
        let unknown = names.subtracting(Self.queryParameters).sorted()
        guard unknown.isEmpty else { throw XAPIProblem.invalid(unknown[0], "unknown parameter") }
        var query = StatementQuery(limit: 0, ascending: false)
        if let agent = parameters["agent"] {
            query.agentKey = try Self.agentKey(agent)
            if query.agentKey != scope.agentKey, !scope.mayQueryOtherAgents {
                throw Problem.forbidden(
                    "a participant reads their own statements only: leave out 'agent' or name your own account")
            }
        }
        query.verbID = parameters["verb"].map(String.init)
        query.activityID = parameters["activity"].map(String.init)
        if let registration = parameters["registration"] {
            guard UUID(uuidString: String(registration)) != nil else {
                throw XAPIProblem.invalid("registration", "must be a UUID")
            }
            query.registration = registration.lowercased()
        }
        for (key, path) in [("since", \StatementQuery.sinceMs), ("until", \StatementQuery.untilMs)] {
            guard let text = parameters[Substring(key)] else { continue }
            guard let date = Timestamp.parse(String(text)) else {
                throw XAPIProblem.invalid(key, "must be an ISO 8601 date-time")
            }
            query[keyPath: path] = Int64((date.timeIntervalSince1970 * 1000).rounded())
        }
        if let limit = parameters["limit"] {
            guard let value = Int(limit), value >= 0 else {
                throw XAPIProblem.invalid("limit", "must be a whole number ≥ 0")
            }
            query.limit = value
        }
        for key in ["ascending", "related_activities", "related_agents", "attachments"] {
            guard let text = parameters[Substring(key)] else { continue }
            guard text == "true" || text == "false" else { throw XAPIProblem.invalid(key, "must be true or false") }
            if key == "ascending" { query.ascending = text == "true" }
        }
        let format = try Self.format(parameters)
        if let from = parameters["from"] {
            guard let position = StatementQuery.Position(token: String(from)) else {
                throw XAPIProblem.invalid("from", "not a position this server gave")
            }
            query.after = position
        }
        let page = try await resource.query(query, for: scope)
        var more = ""
        if let next = page.next {
            var components = URLComponents()
            components.queryItems =
                parameters.filter { $0.key != "from" }.map {
                    URLQueryItem(name: String($0.key), value: String($0.value))
                }
                + [URLQueryItem(name: "from", value: next.token)]
            more = resource.basePath + "/statements?" + (components.percentEncodedQuery ?? "")
        }
        let moreJSON = String(decoding: try JSONEncoder().encode(more), as: UTF8.self)
        let languages = Self.languages(request)
        let bodies = try page.bodies.map { try format.apply(to: $0, languages: languages) }
        return try await reply(
            "{\"more\":\(moreJSON),\"statements\":[\(bodies.joined(separator: ","))]}", statements: page.bodies,
            withAttachments: parameters["attachments"] == "true")
    }

    /// The JSON answer; with `attachments=true`, a multipart/mixed answer whose first part is the JSON and whose
    /// other parts are the attachments of `statements` this LRS holds, each with its `X-Experience-API-Hash`.
    private func reply(_ json: String, statements: [String], withAttachments: Bool) async throws -> Response {
        guard withAttachments else { return Self.json(json) }
        // Only the attachments a statement came with (no fileUrl): a statement naming someone else's hash with a
        // fileUrl of its own gets no content it did not send.
        var hashes: [String] = []
        var seen: Set<String> = []
        var declared: [String: String] = [:]  // each part is labelled as its statement declared it
        for body in statements {
            guard let value = try? JSONValue.parse(Data(body.utf8)),
                let found = try? XAPIStatement.attachments(value["attachments"])
            else { continue }
            for (sha2, needsPart, type) in found where needsPart && seen.insert(sha2).inserted {
                hashes.append(sha2)
                declared[sha2] = type
            }
        }
        let boundary = "xapi-" + UUID().uuidString.lowercased()
        var parts = [MultipartMixed.Part(headers: ["Content-Type": "application/json"], body: Data(json.utf8))]
        var total = json.utf8.count
        for attachment in try await resource.attachments(hashes) {
            total += attachment.content.count
            guard total <= Self.attachmentsLimit * 2 else {
                throw Problem(
                    .contentTooLarge, kind: "too-large", title: "Too many attachments in one answer",
                    detail:
                        "the page's attachments exceed \(Self.attachmentsLimit * 2 / 1_048_576) MiB: ask a smaller limit"
                )
            }
            parts.append(
                MultipartMixed.Part(
                    headers: [
                        "Content-Type": declared[attachment.sha2] ?? attachment.contentType,
                        "Content-Transfer-Encoding": "binary",
                        "X-Experience-API-Hash": attachment.sha2,
                    ], body: attachment.content))
        }
        return Response(
            status: .ok, headers: [.contentType: "multipart/mixed; boundary=\(boundary)"],
            body: .init(byteBuffer: ByteBuffer(data: MultipartMixed.make(boundary: boundary, parts: parts))))
    }

    /// The most a request with attachments may send.
    static let attachmentsLimit = 16 * 1024 * 1024

    /// A statement request's JSON, and its attachments when it is multipart/mixed (the statements first, then one
    /// part per attachment, each named by the SHA-256 of its content in `X-Experience-API-Hash`, checked here).
    private static func content(
        _ request: Request
    ) async throws -> (JSONValue, [String: StatementResource.Attachment]) {
        guard let boundary = MultipartMixed.boundary(ofContentType: request.headers[.contentType]) else {
            return (try await body(request), [:])
        }
        let data = try await JSONBody.collect(request, limit: attachmentsLimit)
        let multipart: MultipartMixed
        do { multipart = try MultipartMixed(data, boundary: boundary) } catch {
            throw XAPIProblem.invalid("", "multipart/mixed: \(error.problem)")
        }
        guard let first = multipart.parts.first, DocumentResource.isJSON(first.headers["content-type"] ?? "") else {
            throw XAPIProblem.invalid(
                "", "the first part of a multipart/mixed request is the statements, application/json")
        }
        guard first.body.count <= bodyLimit else { throw XAPIProblem.invalid("", "the statements part is too large") }
        try JSONShapeLimits.standard.check(first.body)
        let json: JSONValue
        do { json = try JSONValue.parse(first.body) } catch { throw XAPIProblem.invalid("", "not valid JSON") }
        var attachments: [String: StatementResource.Attachment] = [:]
        for (index, part) in multipart.parts.dropFirst().enumerated() {
            let field = "part[\(index + 1)]"
            guard let hash = part.headers["x-experience-api-hash"]?.lowercased() else {
                throw XAPIProblem.invalid(field, "an attachment part needs X-Experience-API-Hash")
            }
            let actual = SHA256.hex(part.body)
            guard hash == actual else {
                throw XAPIProblem.invalid(field, "X-Experience-API-Hash is not the SHA-256 of the part's content")
            }
            attachments[hash] = .init(
                sha2: hash, contentType: part.headers["content-type"] ?? "application/octet-stream", content: part.body)
        }
        return (json, attachments)
    }

    /// The query's `format` (exact when absent).
    private static func format(_ parameters: [Substring: Substring]) throws -> StatementFormat {
        guard let text = parameters["format"] else { return .exact }
        guard let format = StatementFormat(rawValue: String(text)) else {
            throw XAPIProblem.invalid("format", "must be exact, ids or canonical")
        }
        return format
    }

    /// The client's languages (`Accept-Language`), for the canonical format.
    private static func languages(_ request: Request) -> [String] {
        StatementFormat.languages(of: request.headers[.acceptLanguage])
    }

    /// The most a statement request may send: a batch of statements, not attachments.
    static let bodyLimit = 1024 * 1024

    /// The most statements one POST may carry. A batch is stored in one write transaction per store, which
    /// holds every other tracking write back meanwhile: the cap keeps that transaction short (a few ms).
    static let maximumBatch = 250

    private static func body(_ request: Request) async throws -> JSONValue {
        try JSONBody.requireJSONContentType(request)
        let data = try await JSONBody.collect(request, limit: bodyLimit)
        guard !data.isEmpty else { throw XAPIProblem.invalid("", "the request body is empty") }
        try JSONShapeLimits.standard.check(data)
        do { return try JSONValue.parse(data) } catch { throw XAPIProblem.invalid("", "not valid JSON") }
    }

    /// The key of an `agent` query parameter (a JSON agent), bounded in shape before it is parsed; 400 otherwise.
    static func agentKey(_ text: Substring) throws -> String {
        try JSONShapeLimits.standard.check(Data(text.utf8))
        do throws(XAPIStatement.Invalid) { return try XAPIStatement.key(ofAgentParameter: String(text)) } catch {
            throw XAPIProblem.invalid(error.field, error.problem)
        }
    }

    /// An `activityId` query parameter: required, an absolute IRI of at most 2,048 characters; 400 otherwise.
    static func activityID(_ text: Substring?) throws -> String {
        guard let activity = text.map(String.init), let url = URL(string: activity), url.scheme != nil,
            activity.count <= 2048
        else { throw XAPIProblem.invalid("activityId", "required, an IRI") }
        return activity
    }

    static func json(_ text: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
