import Foundation
import HTTPTypes
import Hummingbird

/// An RFC 9457 problem: every error a service returns over HTTP, as `application/problem+json`.
public struct Problem: Error, HTTPResponseError, Sendable, Equatable {
    /// One invalid part of a request: a JSON path (`activities[2].estimatedMinutes`), a query
    /// parameter or a header, and what is wrong with it; in an uploaded file, also its line (1 = the first).
    public struct FieldError: Codable, Sendable, Equatable {
        public var field: String
        public var problem: String
        public var line: Int?
        public init(field: String, problem: String, line: Int? = nil) {
            self.field = field
            self.problem = problem
            self.line = line
        }
    }

    public var status: HTTPResponse.Status
    public var title: String
    public var detail: String?
    /// A stable machine-readable kind, e.g. `validation`, `not-found`, `conflict`.
    public var kind: String
    public var errors: [FieldError]
    /// Extra members (e.g. `currentState` on an illegal transition).
    public var extensions: [String: String]
    public var headers: HTTPFields

    public init(
        _ status: HTTPResponse.Status, kind: String, title: String, detail: String? = nil, errors: [FieldError] = [],
        extensions: [String: String] = [:], headers: HTTPFields = [:]
    ) {
        self.status = status
        self.kind = kind
        self.title = title
        self.detail = detail
        self.errors = errors
        self.extensions = extensions
        self.headers = headers
    }

    // MARK: - The usual problems

    /// 422: the request is well-formed but breaks a rule; names each offending field.
    public static func validation(_ errors: [FieldError], detail: String? = nil) -> Problem {
        Problem(
            .unprocessableContent, kind: "validation", title: "The request is not valid",
            detail: detail ?? errors.map { "\($0.field): \($0.problem)" }.joined(separator: "; "), errors: errors)
    }

    public static func invalid(_ field: String, _ problem: String) -> Problem {
        validation([FieldError(field: field, problem: problem)])
    }

    /// 400: the body is not the JSON the operation expects.
    public static func malformed(_ field: String, _ problem: String) -> Problem {
        Problem(
            .badRequest, kind: "malformed", title: "The request body cannot be read",
            detail: field.isEmpty ? problem : "\(field): \(problem)",
            errors: [FieldError(field: field, problem: problem)])
    }

    public static func notFound(_ what: String, id: String) -> Problem {
        Problem(
            .notFound, kind: "not-found", title: "\(what) not found", detail: "no \(what.lowercased()) with id '\(id)'")
    }

    /// 409: the operation conflicts with the current state, which is named.
    public static func conflict(_ detail: String, currentState: String? = nil) -> Problem {
        var extensions: [String: String] = [:]
        if let currentState { extensions["currentState"] = currentState }
        return Problem(
            .conflict, kind: "conflict", title: "The request conflicts with the current state", detail: detail,
            extensions: extensions)
    }

    /// 412: `If-Match` does not match the current version.
    public static func preconditionFailed(current: String) -> Problem {
        Problem(
            .preconditionFailed, kind: "version-mismatch", title: "The resource changed since you read it",
            detail: "If-Match does not match the current version \(current); read it again and retry",
            extensions: ["currentETag": current])
    }

    // MARK: - HTTPResponseError

    /// What every problem `type` starts with: a URN, a stable identifier of the kind of problem (the platform
    /// owns no domain to host pages under, and clients compare types, they do not fetch them).
    public static let typePrefix = "urn:magistere:problem:"

    /// The longest `instance` a problem repeats from the request path.
    public static let instanceLimit = 256

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var body: [String: Any] = [
            "type": "\(Self.typePrefix)\(kind)", "title": title, "status": Int(status.code),
            // The path as sent, but bounded: a hostile path is not echoed at length.
            "instance": String(request.uri.path.prefix(Self.instanceLimit)),
        ]
        if let detail { body["detail"] = detail }
        if !errors.isEmpty {
            body["errors"] = errors.map { error -> [String: Any] in
                var member: [String: Any] = ["field": error.field, "problem": error.problem]
                if let line = error.line { member["line"] = line }
                return member
            }
        }
        for (key, value) in extensions { body[key] = value }
        let data = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys, .withoutEscapingSlashes])
        var headers = self.headers
        headers[.contentType] = "application/problem+json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
