import ServiceSupport

// What clients are told of the catalogue's domain and store errors, and of the refusals of a designer's
// ``AuthoringScope``: rendered by the shared ``ProblemMiddleware`` (see ``ProblemConvertible``).

extension CatalogRuleError: ProblemConvertible {
    public var problem: Problem {
        switch self {
        case .invalid(let issues): .validation(issues.map { Problem.FieldError(field: $0.field, problem: $0.problem) })
        case .archived(let id): .conflict("course \(id) is archived: it can no longer change", currentState: "archived")
        case .nothingToPublish(let id, let version):
            .conflict(
                "course \(id) has no changes since version \(version): edit its draft first", currentState: "published")
        case .unknownActivity(let id): .notFound("Activity", id: id)
        case .unknownVersion(let number):
            number == 0
                ? .conflict("the source course has no published version yet", currentState: "draft")
                : .invalid("version", "the source course has no published version \(number)")
        }
    }
}

extension CatalogStoreError: ProblemConvertible {
    public var problem: Problem {
        switch self {
        case .courseNotFound(let id): .notFound("Course", id: id)
        case .revisionMismatch(let current): .preconditionFailed(current: EntityTag.format(current))
        case .courseExists(let id): .conflict("a course with id '\(id)' already exists")
        case .versionNotFound(let id, let version): .notFound("Version", id: "\(id)/versions/\(version)")
        }
    }
}

extension AuthoringScope.Refusal: ProblemConvertible {
    public var problem: Problem { .forbidden(description) }
}
