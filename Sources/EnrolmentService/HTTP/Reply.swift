import Contracts
import Foundation
import HTTPTypes
import Hummingbird
import ServiceSupport

/// Builds the JSON responses of the enrolment routes.
enum Reply {
    /// `X-Consistent-Through`: on a read that depends on other services' events, the instant up to which their events
    /// have been applied here — what happened before it is in the answer; what happened after may not be yet.
    static let consistentThrough = HTTPField.Name.consistentThrough

    static func json<T: Encodable & Sendable>(
        _ value: T, _ status: HTTPResponse.Status = .ok, location: String? = nil, consistentThrough: Date? = nil,
        request: Request, context: some RequestContext
    ) throws -> Response {
        var headers: HTTPFields = [:]
        if let location { headers[.location] = location }
        if let consistentThrough { headers[.consistentThrough] = Timestamp.format(consistentThrough) }
        return try JSONResponse(value, status: status, headers: headers).response(from: request, context: context)
    }
}
