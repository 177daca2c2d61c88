import Hummingbird

/// A route's query parameters, checked strictly and the same way in every service: a parameter the route does
/// not accept, or one given twice, is a 400 `invalid-query` naming it, never silently ignored (a filter sent to
/// the wrong route is a client's mistake to report).
///
/// Every handler reads its query through this type, even when it takes none (`QueryParameters(request)`).
public struct QueryParameters: Sendable {
    private let values: [String: String]

    public init(_ request: Request, allowed: Set<String> = []) throws {
        var values: [String: String] = [:]
        var errors: [Problem.FieldError] = []
        for (key, value) in request.uri.queryParameters {
            // Named back in the problem, but bounded: a hostile name is not echoed at length.
            let name = String(key.prefix(64))
            if !allowed.contains(name) {
                let accepted = allowed.isEmpty ? "none" : allowed.sorted().joined(separator: ", ")
                errors.append(.init(field: name, problem: "unknown query parameter (accepted: \(accepted))"))
            } else if values[name] != nil {
                errors.append(.init(field: name, problem: "given more than once"))
            } else {
                values[name] = String(value)
            }
        }
        guard errors.isEmpty else { throw Self.invalid(errors) }
        self.values = values
    }

    /// The raw value of `name`, if given.
    public subscript(_ name: String) -> String? { values[name] }

    /// A parameter parsed by `parse`, or a 400 naming it and what was `expected`.
    public func parse<T>(_ name: String, expected: String, _ parse: (String) -> T?) throws -> T? {
        guard let text = values[name] else { return nil }
        guard let value = parse(text) else { throw Self.invalid(name, "expected \(expected)") }
        return value
    }

    /// One of a closed set of values (`state=open`).
    public func choice<T: RawRepresentable & CaseIterable>(_ name: String, _: T.Type = T.self) throws -> T?
    where T.RawValue == String {
        try parse(name, expected: "one of \(T.allCases.map(\.rawValue).joined(separator: ", "))", T.init(rawValue:))
    }

    /// A whole number within `range`, `fallback` when absent.
    public func number(_ name: String, default fallback: Int, in range: ClosedRange<Int>) throws -> Int {
        try parse(name, expected: "a whole number from \(range.lowerBound) to \(range.upperBound)") { text in
            Int(text).flatMap { range.contains($0) ? $0 : nil }
        } ?? fallback
    }

    /// 400 `invalid-query`: what is wrong with one parameter.
    public static func invalid(_ name: String, _ problem: String) -> Problem {
        invalid([.init(field: name, problem: problem)])
    }

    static func invalid(_ errors: [Problem.FieldError]) -> Problem {
        Problem(
            .badRequest, kind: "invalid-query", title: "The query is not valid",
            detail: errors.map { "\($0.field): \($0.problem)" }.joined(separator: "; "), errors: errors)
    }
}
