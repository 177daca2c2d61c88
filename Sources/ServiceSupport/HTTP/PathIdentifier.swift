import Contracts
import Hummingbird

/// The identifiers in request paths (`/sessions/{id}`, `/courses/{id}/activities/{activityID}`), checked the
/// same way by every service before anything is looked up.
///
/// Every id the platform hands out is 1 to 64 ASCII letters, digits, `-`, `_`, `.` or `:` (course ids, `ses-…`
/// session ids, enrolment UUIDs: see ``PseudonymousIdentifier``). A segment of any other shape names nothing the
/// service could hold, so it is answered like an unknown id, 404 `not-found`, with a detail that does not echo
/// what was sent and without touching the store.
public enum PathIdentifier {
    /// The longest id.
    public static let maximumLength = 64
    /// What an id looks like, for problem details and the OpenAPI documents.
    public static let rule = "ids are 1 to 64 letters, digits, '-', '_', '.' or ':'"

    /// The path parameter `name` (`id` by default), naming a `what` ("Session", "Course"…).
    public static func require(
        _ name: String = "id", naming what: String, in context: some RequestContext
    ) throws -> String {
        let id = try context.parameters.require(name)
        guard PseudonymousIdentifier.isValid(id, maximumLength: maximumLength) else {
            throw Problem(
                .notFound, kind: "not-found", title: "\(what) not found",
                detail: "no \(what.lowercased()) has such an id (\(rule))")
        }
        return id
    }
}
