import ServiceSupport

/// Who may call each tracking route. The route rule names the roles; the handlers then check the
/// scope (``TrackingScope``): the participant's own enrolment, the trainer's or tutor's session, the
/// manager's academy; and for xAPI (``StatementScope``) that the statement's actor is the caller unless
/// the caller trains or tutors the session of its registration.
enum TrackingAccess {
    static let policy = AccessPolicy([
        "POST /enrolments/{id}/progress": .role(.participant),
        "GET /enrolments/{id}/progress": .role(.participant, .trainer, .tutor, .manager),
        "GET /enrolments/{id}/progress/requests/{request}": .role(.participant, .trainer, .tutor, .manager),
        "POST /sessions/{id}/attendance": .role(.trainer, .tutor),
        "GET /sessions/{id}/progress": .role(.trainer, .tutor, .manager),
        "GET /sessions/{id}/summary": .role(.trainer, .tutor, .manager),
        "GET /sessions/{id}/audit": .role(.trainer, .tutor, .manager),
        "POST /enrolments/{id}/reevaluation": .role(.manager),
        "POST /sessions/{id}/reevaluation": .role(.manager),
        "GET /partitions": .role(.operator),
        "POST /partitions/release": .role(.operator),
        "GET /partitions/{partition}/file": .role(.operator),
        "PUT /partitions/{partition}/file": .role(.operator),
        "POST /partitions/acquire": .role(.operator),
        "PUT /partitions/map": .role(.operator),
        "GET /xapi/about": .anyone,
        "POST /xapi/statements": .role(.participant, .trainer, .tutor),
        "PUT /xapi/statements": .role(.participant, .trainer, .tutor),
        "GET /xapi/statements": .role(.participant, .trainer, .tutor, .manager),
        "GET /xapi/activities/state": .role(.participant, .trainer, .tutor),
        "PUT /xapi/activities/state": .role(.participant, .trainer, .tutor),
        "POST /xapi/activities/state": .role(.participant, .trainer, .tutor),
        "DELETE /xapi/activities/state": .role(.participant, .trainer, .tutor),
        "GET /xapi/agents/profile": .role(.participant, .trainer, .tutor),
        "PUT /xapi/agents/profile": .role(.participant, .trainer, .tutor),
        "POST /xapi/agents/profile": .role(.participant, .trainer, .tutor),
        "DELETE /xapi/agents/profile": .role(.participant, .trainer, .tutor),
        "GET /xapi/activities/profile": .role(.participant, .trainer, .tutor, .manager, .designer),
        "PUT /xapi/activities/profile": .role(.trainer, .tutor, .manager, .designer),
        "POST /xapi/activities/profile": .role(.trainer, .tutor, .manager, .designer),
        "DELETE /xapi/activities/profile": .role(.trainer, .tutor, .manager, .designer),
        "GET /xapi/activities": .role(.participant, .trainer, .tutor, .manager, .designer),
        "GET /xapi/agents": .role(.participant, .trainer, .tutor, .manager, .designer),
    ]).merging(.replays)
}
