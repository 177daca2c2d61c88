import HTTPTypes
import ServiceSupport

extension TrackingError {
    /// The problem+json response for this error.
    var problem: Problem {
        switch self {
        case .notFound(let what, let id):
            return .notFound(what, id: id)
        case .conflict(let detail, let state):
            return .conflict(detail, currentState: state)
        case .invalid(let violations):
            return .validation(violations.map { Problem.FieldError(field: $0.field, problem: $0.problem) })
        case .forbidden(let detail):
            return .forbidden(detail)
        }
    }
}

/// Runs a handler body, turning ``TrackingError`` into its problem.
func mappingErrors<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as TrackingError {
        throw error.problem
    }
}
