import Hummingbird
import ServiceSupport

/// Maps the enrolment domain's typed errors to problems, in one place: illegal transitions and broken
/// session rules are 409 with the current state, broken plans 422 naming each field, unknown ids 404.
struct DomainErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as IllegalEnrolmentTransition {
            throw Problem.conflict(error.description, currentState: error.currentState.rawValue)
        } catch let error as SessionRuleViolation {
            throw Problem.conflict(error.reason, currentState: error.currentState.rawValue)
        } catch let error as InvalidPlan {
            throw Problem.validation(error.violations.map { .init(field: $0.field, problem: $0.problem) })
        } catch let error as DesignationFileRejected {
            throw Problem.validation(
                error.errors.map { .init(field: "line \($0.line): \($0.field)", problem: $0.problem) })
        } catch let error as EnrolmentFailure {
            switch error {
            case .notFound(let what, let id):
                throw Problem.notFound(what, id: id)
            case .alreadyEnrolled(let enrolmentID, let state):
                var problem = Problem.conflict(
                    "the teacher is already enrolled in this session (\(enrolmentID))", currentState: state.rawValue)
                problem.extensions["enrolmentID"] = enrolmentID
                throw problem
            }
        }
    }
}
