import Contracts
import Foundation
import HTTPTypes
import Hummingbird
import ServiceSupport

/// The xAPI protocol headers: `X-Experience-API-Version` is required on requests (1.0.x; 400 without,
/// except on `/xapi/about`) and sent on every response, errors included, with
/// `X-Experience-API-Consistent-Through` (statements are readable as soon as they are acknowledged).
///
/// It runs outside the access middleware (``PlatformService/outerMiddleware``), on `/xapi/` paths only, so
/// that a 401 or 403 of the statement routes carries the headers too. Errors leave as problems carrying
/// them, rethrown rather than rendered here, for the problem middleware to render.
struct XAPIHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    static var versionHeader: HTTPField.Name { HTTPField.Name("X-Experience-API-Version")! }
    static var consistentHeader: HTTPField.Name { HTTPField.Name("X-Experience-API-Consistent-Through")! }

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    )
        async throws -> Response
    {
        guard request.uri.path.hasPrefix("/xapi/") else { return try await next(request, context) }
        var response: Response
        do {
            if !request.uri.path.hasSuffix("/about") {
                guard let version = request.headers[Self.versionHeader] else {
                    throw XAPIProblem.invalid("X-Experience-API-Version", "required header (send 1.0.3)")
                }
                guard version.hasPrefix("1.0") else {
                    throw XAPIProblem.invalid(
                        "X-Experience-API-Version", "unsupported version \(version) (this LRS speaks 1.0.3)")
                }
            }
            response = try await next(request, context)
        } catch let problem as Problem {
            throw Self.stamped(problem)
        } catch let error as TrackingError {
            throw Self.stamped(error.problem)
        } catch let error as HTTPError {
            throw Self.stamped(ProblemMiddleware<Context>.problem(for: error))
        }
        Self.stamp(&response.headers)
        return response
    }

    private static func stamped(_ problem: Problem) -> Problem {
        var problem = problem
        stamp(&problem.headers)
        return problem
    }

    private static func stamp(_ headers: inout HTTPFields) {
        headers[versionHeader] = XAPIVocabulary.version
        headers[consistentHeader] = Timestamp.format(Date())
    }
}
