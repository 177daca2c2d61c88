/// One broken rule of the catalogue, named by the JSON path of the offending field
/// (`title`, `activities[2].estimatedMinutes`), so that the API can say exactly what to fix.
public struct ValidationIssue: Sendable, Equatable, Codable, CustomStringConvertible {
    /// The JSON path of the field, as the API's request bodies spell it.
    public var field: String
    /// What is wrong, in words a designer understands.
    public var problem: String

    public init(field: String, problem: String) {
        self.field = field
        self.problem = problem
    }

    public var description: String { "\(field): \(problem)" }
}
