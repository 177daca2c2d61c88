import HTTPTypes
import Hummingbird
import ServiceSupport

/// Who is calling. Until authentication exists (issue 7), the caller states their pseudonymous id in
/// `X-Actor-ID`; this is the one place that reads it, for the authentication issue to replace.
enum ActorIdentity {
    static let header = HTTPField.Name("X-Actor-ID")!

    /// The caller's pseudonymous id, or 401 when it is missing or malformed.
    static func actor(of request: Request) throws -> String {
        guard let actor = request.headers[header], PseudonymousID.isValid(actor) else {
            throw Problem(
                .unauthorized, kind: "unauthenticated", title: "Who is calling is unknown",
                detail: "send your pseudonymous id in the X-Actor-ID header",
                errors: [.init(field: "X-Actor-ID", problem: "required: a pseudonymous id (letters, digits, - _ . :)")])
        }
        return actor
    }
}
