import HTTPTypes
import Hummingbird

/// Who is calling. Until authentication exists (issue 7), the caller names themself in `X-Actor-ID`
/// (a pseudonymous id); this is the ONE place that reads it, to be replaced by the verified token's subject.
enum ActorIdentity {
    static let header = HTTPField.Name("X-Actor-ID")!

    /// The caller's pseudonymous id, or a 401 problem when the request does not say.
    static func require(_ request: Request) throws -> String {
        guard let actor = request.headers[header]?.trimmingCharacters(in: .whitespaces), !actor.isEmpty,
            actor.count <= 128
        else {
            throw TrackingError.unauthenticated("send the caller's pseudonymous id in X-Actor-ID").problem
        }
        return actor
    }
}
