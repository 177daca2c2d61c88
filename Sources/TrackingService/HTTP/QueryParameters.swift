import Hummingbird
import ServiceSupport

/// Strict query strings: a parameter the route does not know is a 400, not silently ignored.
enum QueryParameters {
    static func allowOnly(_ allowed: Set<String>, in request: Request) throws {
        let unknown = Set(request.uri.queryParameters.map { String($0.key) }).subtracting(allowed).sorted()
        guard unknown.isEmpty else {
            throw Problem(
                .badRequest, kind: "unknown-parameter", title: "Unknown query parameter",
                detail: "this route does not accept: \(unknown.joined(separator: ", "))",
                errors: unknown.map { .init(field: $0, problem: "unknown query parameter") })
        }
    }
}
