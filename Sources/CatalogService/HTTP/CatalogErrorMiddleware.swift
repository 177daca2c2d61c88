import Hummingbird
import ServiceSupport

/// Maps the catalogue's domain and store errors, and the refusals of a designer's
/// ``AuthoringScope`` (403), to RFC 9457 problems, in one place, for every catalogue route (the
/// shared ``ProblemMiddleware`` renders them, after ``AccessMiddleware`` has logged each 403).
struct CatalogErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    )
        async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as CatalogRuleError {
            throw Self.problem(for: error)
        } catch let error as CatalogStoreError {
            throw Self.problem(for: error)
        } catch let refusal as AuthoringScope.Refusal {
            throw Problem.forbidden(refusal.description)
        } catch let error as any HTTPResponseError where !(error is Problem) && error.status == .contentTooLarge {
            // NIO's "too many bytes" (from collecting an oversized body) renders a bare 413 by itself.
            throw Problem(
                .contentTooLarge, kind: "too-large", title: "Request body too large",
                detail: "the body is over the \(JSONBody.defaultLimit / 1024) KiB limit")
        }
    }

    static func problem(for error: CatalogRuleError) -> Problem {
        switch error {
        case .invalid(let issues):
            return .validation(issues.map { Problem.FieldError(field: $0.field, problem: $0.problem) })
        case .archived(let id):
            return .conflict("course \(id) is archived: it can no longer change", currentState: "archived")
        case .nothingToPublish(let id, let version):
            return .conflict(
                "course \(id) has no changes since version \(version): edit its draft first", currentState: "published")
        case .unknownActivity(let id):
            return .notFound("Activity", id: id)
        case .unknownVersion(let number):
            return number == 0
                ? .conflict("the source course has no published version yet", currentState: "draft")
                : .invalid("version", "the source course has no published version \(number)")
        }
    }

    static func problem(for error: CatalogStoreError) -> Problem {
        switch error {
        case .courseNotFound(let id): return .notFound("Course", id: id)
        case .revisionMismatch(let current): return .preconditionFailed(current: EntityTag.format(current))
        case .courseExists(let id): return .conflict("a course with id '\(id)' already exists")
        }
    }
}
