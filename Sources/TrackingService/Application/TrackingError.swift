/// Why tracking refused a command or a query, independent of HTTP (the adapters map it to a problem).
public enum TrackingError: Error, Sendable, Equatable {
    /// One invalid part of a request.
    public struct Violation: Sendable, Equatable {
        public var field: String
        public var problem: String
        public init(field: String, problem: String) {
            self.field = field
            self.problem = problem
        }
    }

    /// The enrolment, session… is unknown to tracking.
    case notFound(what: String, id: String)
    /// The request conflicts with the current state (withdrawn enrolment, reused progress id…).
    case conflict(String, state: String?)
    /// The request breaks a rule, field by field.
    case invalid([Violation])
    /// The caller may not do this (another participant's enrolment, a session they are not assigned to…).
    case forbidden(String)
    /// The session belongs to a partition another tracking instance owns.
    case notOwned(partition: Int)
    /// This instance owns no partition (a spare): it knows no enrolment yet.
    case ownsNoPartition
    /// The bus did not take what the request needs it to carry: nothing was started.
    case busUnavailable(String)

    static func invalid(_ pairs: [(field: String, problem: String)]) -> TrackingError {
        .invalid(pairs.map { Violation(field: $0.field, problem: $0.problem) })
    }

    static func invalid(_ field: String, _ problem: String) -> TrackingError {
        .invalid([Violation(field: field, problem: problem)])
    }
}
