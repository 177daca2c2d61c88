import Hummingbird
import ServiceSupport

/// The ids in request paths, checked before any store access.
///
/// A segment that cannot be a catalogue id (see ``CatalogIdentifier``) names nothing the catalogue
/// holds: it is a 404, like an unknown id, whose detail does not echo the segment back.
enum PathParameters {
    /// `{id}`: a course id.
    static func courseID(_ context: ServiceRequestContext) throws -> String {
        try identifier("id", naming: "Course", in: context)
    }

    /// `{activityID}`: the id of an activity of the draft.
    static func activityID(_ context: ServiceRequestContext) throws -> String {
        try identifier("activityID", naming: "Activity", in: context)
    }

    private static func identifier(
        _ name: String, naming what: String, in context: ServiceRequestContext
    ) throws
        -> String
    {
        let id = try context.parameters.require(name)
        guard CatalogIdentifier.isValid(id) else {
            throw Problem(
                .notFound, kind: "not-found", title: "\(what) not found",
                detail: "{\(name)} is not a \(what.lowercased()) id: \(CatalogIdentifier.rule)")
        }
        return id
    }
}
