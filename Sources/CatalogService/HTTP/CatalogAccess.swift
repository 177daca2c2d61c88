import ServiceSupport

/// Who may call each catalogue route. The published offer is public; drafts and their life cycle are
/// the designers', and each authoring command then checks the course's origin against the designer's
/// ``AuthoringScope`` (403 for another scope's course).
enum CatalogAccess {
    static let policy = AccessPolicy([
        "GET /courses": .anyone,
        "GET /search": .anyone,
        "GET /courses/{id}": .anyone,
        "GET /courses/{id}/versions": .anyone,
        "GET /courses/{id}/versions/{version}": .anyone,
        "GET /courses/{id}/versions/{version}/rules": .anyone,
        "PUT /courses/{id}/versions/{version}/rules": .role(.designer),
        "POST /courses": .role(.designer),
        "GET /drafts": .role(.designer),
        "GET /courses/{id}/draft": .role(.designer),
        "PUT /courses/{id}/draft": .role(.designer),
        "POST /courses/{id}/draft/activities": .role(.designer),
        "PUT /courses/{id}/draft/activities/{activityID}": .role(.designer),
        "DELETE /courses/{id}/draft/activities/{activityID}": .role(.designer),
        "PUT /courses/{id}/draft/activity-order": .role(.designer),
        "POST /courses/{id}/publish": .role(.designer),
        "POST /courses/{id}/archive": .role(.designer),
        "POST /courses/{id}/derive": .role(.designer),
    ])
}
