import Hummingbird
import ServiceSupport

/// The `{id}` of a route's path, checked before anything is looked up: ids come from the enrolment
/// service (`ses-<uuid>`, bare UUIDs), so 1 to 128 ASCII letters, digits, `-`, `_`, `.` or `:`. Anything
/// else is a 400 naming the parameter, never a search for it.
enum PathID {
    static let maximumLength = 128

    static func require(_ context: ServiceRequestContext) throws -> String {
        let id = try context.parameters.require("id")
        guard (1...maximumLength).contains(id.utf8.count), id.utf8.allSatisfy(isAllowed) else {
            throw Problem(
                .badRequest, kind: "invalid-parameter", title: "Invalid path parameter",
                detail: "id: 1 to \(maximumLength) letters, digits, '-', '_', '.' or ':'",
                errors: [.init(field: "id", problem: "not an id")])
        }
        return id
    }

    private static func isAllowed(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
            UInt8(ascii: ":"):
            true
        default: false
        }
    }
}
