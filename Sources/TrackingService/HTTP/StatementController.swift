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
            let body = try await Self.body(request)
            let values: [JSONValue]
            if case .array(let list) = body {
                guard !list.isEmpty else { throw XAPIProblem.invalid("", "an empty batch") }
                guard list.count <= Self.maximumBatch else { throw XAPIProblem.batchTooLarge(list.count) }
                values = list
            } else {
                values = [body]
            }
            return JSONResponse(try await resource.store(values, by: scope))
        }
        group.put("statements") { request, context -> Response in
            _ = try QueryParameters(request, allowed: ["statementId"])
            let scope = StatementScope(caller: try context.requireCaller())
            guard let id = request.uri.queryParameters["statementId"].map(String.init), UUID(uuidString: id) != nil
            else {
                throw XAPIProblem.invalid("statementId", "required, a UUID")
            }
            let body = try await Self.body(request)
            guard case .object = body else { throw XAPIProblem.invalid("", "PUT takes one statement") }
            _ = try await resource.store([body], statementID: id, by: scope)
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
            return Self.json(try format.apply(to: body, languages: Self.languages(request)))
        }
        let unknown = names.subtracting(Self.queryParameters).sorted()
        guard unknown.isEmpty else { throw XAPIProblem.invalid(unknown[0], "unknown parameter") }
        var query = StatementQuery(limit: 0, ascending: false)
        if let agent = parameters["agent"] {
            try JSONShapeLimits.standard.check(Data(agent.utf8))
            do { query.agentKey = try XAPIStatement.key(ofAgentParameter: String(agent)) } catch {
                throw XAPIProblem.invalid(error.field, error.problem)
            }
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
        return Self.json("{\"more\":\(moreJSON),\"statements\":[\(bodies.joined(separator: ","))]}")
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

    private static func json(_ text: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
