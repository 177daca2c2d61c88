import Hummingbird
import ServiceSupport

/// A route's query parameters, checked strictly: an unknown or repeated parameter is a 400 problem.
struct QueryParameters {
    private let values: [String: String]

    init(_ request: Request, allowed: Set<String> = []) throws {
        var values: [String: String] = [:]
        var errors: [Problem.FieldError] = []
        for (key, value) in request.uri.queryParameters {
            let name = String(key)
            if !allowed.contains(name) {
                let accepted = allowed.isEmpty ? "none" : allowed.sorted().joined(separator: ", ")
                errors.append(.init(field: name, problem: "unknown query parameter (accepted: \(accepted))"))
            } else if values[name] != nil {
                errors.append(.init(field: name, problem: "given more than once"))
            } else {
                values[name] = String(value)
            }
        }
        guard errors.isEmpty else {
            throw Problem(
                .badRequest, kind: "invalid-query", title: "The query is not valid",
                detail: errors.map { "\($0.field): \($0.problem)" }.joined(separator: "; "), errors: errors)
        }
        self.values = values
    }

    subscript(_ name: String) -> String? { values[name] }

    /// A parameter parsed by `parse`, or a 400 naming it.
    func parse<T>(_ name: String, expected: String, _ parse: (String) -> T?) throws -> T? {
        guard let text = values[name] else { return nil }
        guard let value = parse(text) else {
            throw Problem(
                .badRequest, kind: "invalid-query", title: "The query is not valid",
                detail: "\(name): expected \(expected)",
                errors: [.init(field: name, problem: "expected \(expected)")])
        }
        return value
    }
}
