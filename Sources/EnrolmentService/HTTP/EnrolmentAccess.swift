import ServiceSupport

/// Who may call each enrolment route. The route rule names the roles; the handlers then check the
/// scope with ``EnrolmentScope``: a manager's academy against the session's, a trainer's or tutor's
/// assignment to the session, a participant's own enrolments and record. The OpenAPI document reads
/// its `security` from this table.
enum EnrolmentAccess {
    static let policy = AccessPolicy([
        "POST /sessions": .role(.manager),
        "GET /sessions": .authenticated,
        "GET /sessions/{id}": .authenticated,
        "POST /sessions/{id}/open": .role(.manager),
        "POST /sessions/{id}/start": .role(.manager),
        "POST /sessions/{id}/close": .role(.manager),
        "POST /sessions/{id}/cancel": .role(.manager),
        "PUT /sessions/{id}/trainers": .role(.manager),
        "PUT /sessions/{id}/tutors": .role(.manager),
        "GET /sessions/{id}/history": .role(.manager, .trainer, .tutor),
        "POST /sessions/{id}/applications": .role(.participant, .manager),
        "POST /sessions/{id}/enrolments": .role(.participant, .manager),
        "POST /sessions/{id}/designations": .role(.manager),
        "POST /sessions/{id}/designations.csv": .role(.manager),
        "GET /sessions/{id}/enrolments": .role(.manager, .trainer, .tutor),
        "GET /enrolments/{id}": .role(.participant, .manager, .trainer, .tutor),
        "GET /enrolments/{id}/history": .role(.participant, .manager, .trainer, .tutor),
        "POST /enrolments/{id}/approve": .role(.manager),
        "POST /enrolments/{id}/refuse": .role(.manager),
        "POST /enrolments/{id}/withdraw": .role(.participant, .manager),
        "POST /enrolments/{id}/accept": .role(.participant),
        "GET /teachers/{id}/record": .role(.participant),
        "GET /teachers/{id}/attestation": .role(.participant),
        "GET /teachers/{id}/enrolments": .role(.participant),
        "PUT /academies/{academy}/districts/{district}/needs/{schoolYear}": .role(.manager, .inspector),
        "GET /academies/{academy}/districts/{district}/needs/{schoolYear}": .role(.manager, .inspector),
        "GET /academies/{academy}/districts/{district}/coverage/{schoolYear}": .role(.manager, .inspector),
        "GET /academies/{academy}/districts/{district}/plans/{schoolYear}": .role(.manager, .inspector),
        "GET /academies/{academy}/districts/{district}/plans/{schoolYear}/versions/{version}": .role(
            .manager, .inspector),
        "PUT /academies/{academy}/districts/{district}/plans/{schoolYear}/versions/{version}": .role(
            .manager, .inspector),
        "POST /academies/{academy}/districts/{district}/plans/{schoolYear}/versions/{version}/publish": .role(
            .manager, .inspector),
        "POST /academies/{academy}/districts/{district}/plans/{schoolYear}/versions/{version}/designations": .role(
            .manager, .inspector),
        "GET /academies/{academy}/paf/{schoolYear}": .role(.manager),
        "GET /academies/{academy}/paf/{schoolYear}/versions/{version}": .role(.manager),
        "PUT /academies/{academy}/paf/{schoolYear}/versions/{version}": .role(.manager),
        "POST /academies/{academy}/paf/{schoolYear}/versions/{version}/publish": .role(.manager),
        "POST /academies/{academy}/paf/{schoolYear}/versions/{version}/designations": .role(.manager),
        "GET /academies/{academy}/paf/{schoolYear}/modules": .role(.manager),
    ]).merging(.replays)
}
