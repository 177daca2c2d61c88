import HTTPTypes
import Hummingbird
import ServiceSupport

/// Builds the JSON responses of the enrolment routes.
enum Reply {
    static func json<T: Encodable & Sendable>(
        _ value: T, _ status: HTTPResponse.Status = .ok, location: String? = nil, request: Request,
        context: some RequestContext
    ) throws -> Response {
        var headers: HTTPFields = [:]
        if let location { headers[.location] = location }
        return try JSONResponse(value, status: status, headers: headers).response(from: request, context: context)
    }
}
