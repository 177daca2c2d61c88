/// One rule a session plan or an uploaded line breaks: the field and what is wrong (422).
public struct PlanViolation: Sendable, Equatable, Codable {
    public let field: String
    public let problem: String

    public init(_ field: String, _ problem: String) {
        self.field = field
        self.problem = problem
    }
}

/// A plan that breaks one or more rules; every violation is reported at once.
public struct InvalidPlan: Error, Sendable, Equatable {
    public let violations: [PlanViolation]
    public init(_ violations: [PlanViolation]) { self.violations = violations }
}
