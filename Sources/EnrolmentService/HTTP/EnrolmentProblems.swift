import ServiceSupport

// What clients are told of the enrolment domain's errors, rendered by the shared ``ProblemMiddleware`` (see
// ``ProblemConvertible``): illegal transitions and broken session rules are 409 with the current state, broken
// plans and designation files 422 naming each field (and line), unknown ids 404.

extension IllegalEnrolmentTransition: ProblemConvertible {
    public var problem: Problem { .conflict(description, currentState: currentState.rawValue) }
}

extension SessionRuleViolation: ProblemConvertible {
    public var problem: Problem { .conflict(reason, currentState: currentState.rawValue) }
}

extension InvalidPlan: ProblemConvertible {
    public var problem: Problem { .validation(violations.map { .init(field: $0.field, problem: $0.problem) }) }
}

extension DesignationFileRejected: ProblemConvertible {
    /// Every bad line (line, field, problem): nothing of the file was applied.
    public var problem: Problem {
        CSVFile.rejected(
            errors, count: count, title: "The designation file is not valid", consequence: "nothing was applied")
    }
}

extension EnrolmentFailure: ProblemConvertible {
    public var problem: Problem {
        switch self {
        case .notFound(let what, let id):
            return .notFound(what, id: id)
        case .alreadyEnrolled(let enrolmentID, let state):
            var problem = Problem.conflict(
                "the teacher is already enrolled in this session (\(enrolmentID))", currentState: state.rawValue)
            problem.extensions["enrolmentID"] = enrolmentID
            return problem
        }
    }
}
