import Contracts
import Hummingbird
import ServiceSupport

/// The `{id}` of a route's path, checked before anything is looked up: ids come from the enrolment
/// service (`ses-<uuid>`, bare UUIDs), so 1 to 128 ASCII letters, digits, `-`, `_`, `.` or `:`. Anything
/// else is a 400 naming the parameter, never a search for it.
enum PathID {
    static let maximumLength = 128

    static func require(_ context: ServiceRequestContext) throws -> String {
        let id = try context.parameters.require("id")
        guard PseudonymousIdentifier.isValid(id, maximumLength: maximumLength) else {
            throw Problem(
                .badRequest, kind: "invalid-parameter", title: "Invalid path parameter",
                detail: "id: 1 to \(maximumLength) letters, digits, '-', '_', '.' or ':'",
                errors: [.init(field: "id", problem: "not an id")])
        }
        return id
    }
}
