import ServiceSupport

// What clients are told of tracking's refusals, rendered by the shared ``ProblemMiddleware`` (see
// ``ProblemConvertible``).

extension TrackingError: ProblemConvertible {
    public var problem: Problem {
        switch self {
        case .notFound(let what, let id): .notFound(what, id: id)
        case .conflict(let detail, let state): .conflict(detail, currentState: state)
        case .invalid(let violations):
            .validation(violations.map { Problem.FieldError(field: $0.field, problem: $0.problem) })
        case .forbidden(let detail): .forbidden(detail)
        case .notOwned(let partition):
            Problem(
                .misdirectedRequest, kind: "partition-not-owned", title: "Another tracking instance owns this session",
                detail:
                    "the session belongs to tracking partition \(partition), which this instance does not own: send "
                    + "the request to the instance that does (see `magistere tracking partitions`)",
                extensions: ["partition": "\(partition)"])
        case .ownsNoPartition:
            Problem(
                .serviceUnavailable, kind: "no-partition-owned", title: "This tracking instance owns no partition yet",
                detail:
                    "this instance is a spare: it knows no enrolment until partitions are moved to it (its /ready "
                    + "says so); nothing was stored: send the request to another instance",
                headers: [.retryAfter: "5"])
        case .busUnavailable(let detail):
            Problem(
                .serviceUnavailable, kind: "bus-unavailable", title: "The message bus is not reachable",
                detail: detail, headers: [.retryAfter: "5"])
        }
    }
}
