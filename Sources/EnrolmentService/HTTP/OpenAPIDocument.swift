import Foundation
import HTTPTypes
import ServiceSupport

/// The OpenAPI 3.1 description of the enrolment API, served at `GET /openapi.json`.
///
/// Built from one table of operations so that a test can hold it against the router's routes, and
/// secured from the access table the service enforces: an operation open to anyone has `security: []`,
/// every other one needs the bearer token and documents its 401 and 403.
enum OpenAPIDocument {
    typealias JSON = [String: Any]

    /// One operation of the API.
    struct Operation {
        let method: String
        let path: String
        let id: String
        let summary: String
        let tag: String
        var query: [(name: String, schema: JSON, description: String)] = []
        /// `(media type, schema)` of the request body, if any, and whether it is required.
        var body: (type: String, schema: JSON, required: Bool)? = nil
        var success: (status: Int, schema: JSON?, type: String) = (200, nil, "application/json")
        var errors: [Int] = []
        /// Whom the handler lets through beyond the route's rule (academy, session, teacher).
        var scope: String? = nil
    }

    /// The rules the service enforces, operational routes included, as `PlatformService` merges them.
    static let access = AccessPolicy.operational.merging(EnrolmentAccess.policy)

    static let academyManager = "a manager of the session's academy (a manager without an academy claim is national: any academy)"
    static let sessionStaff = "\(academyManager), or a trainer or tutor assigned to the session"

    static func ref(_ name: String) -> JSON { ["$ref": "#/components/schemas/\(name)"] }
    static var string: JSON { ["type": "string"] }
    static var dateTime: JSON { ["type": "string", "format": "date-time"] }
    static var integer: JSON { ["type": "integer"] }
    static var pseudonymousID: JSON { ["type": "string", "pattern": "^[A-Za-z0-9._:-]{1,64}$"] }
    static func array(_ items: JSON) -> JSON { ["type": "array", "items": items] }
    static func object(_ properties: JSON, required: [String]) -> JSON {
        ["type": "object", "properties": properties, "required": required]
    }
    static func enumeration(_ values: [String]) -> JSON { ["type": "string", "enum": values] }

    static var operations: [Operation] {
        let json = "application/json"
        let jsonBody = [400, 413, 415, 422]
        var ops: [Operation] = [
            Operation(method: "get", path: "/health", id: "health", summary: "The process is alive", tag: "operations",
                      success: (200, ref("Status"), json)),
            Operation(method: "get", path: "/ready", id: "ready", summary: "The store answers and events flow", tag: "operations",
                      success: (200, ref("Status"), json), errors: [503]),
            Operation(method: "get", path: "/metrics", id: "metrics", summary: "Prometheus metrics", tag: "operations",
                      success: (200, string, "text/plain")),
            Operation(method: "get", path: "/openapi.json", id: "openapi", summary: "This document", tag: "operations",
                      success: (200, ["type": "object"], json), errors: [400]),
            Operation(method: "post", path: "/sessions", id: "scheduleSession",
                      summary: "Schedule a session of a published course version", tag: "sessions",
                      body: (json, ref("SessionPlan"), true), success: (201, ref("Session"), json), errors: jsonBody,
                      scope: "a manager of the plan's academy (a manager without an academy claim is national: any academy)"),
            Operation(method: "get", path: "/sessions", id: "listSessions", summary: "Sessions, by academy and state",
                      tag: "sessions",
                      query: [("academy", pseudonymousID, "an academy code, e.g. lyon"), ("state", ref("SessionState"), "a life-cycle state")],
                      success: (200, ref("SessionList"), json), errors: [400],
                      scope: "any authenticated caller: the offer of sessions is not personal data"),
            Operation(method: "get", path: "/sessions/{id}", id: "getSession", summary: "A session and its seats",
                      tag: "sessions", success: (200, ref("Session"), json), errors: [400, 404],
                      scope: "any authenticated caller: the offer of sessions is not personal data"),
            Operation(method: "get", path: "/sessions/{id}/history", id: "getSessionHistory",
                      summary: "Who moved the session, when and why", tag: "sessions",
                      success: (200, ref("History"), json), errors: [400, 404], scope: sessionStaff),
            Operation(method: "post", path: "/sessions/{id}/cancel", id: "cancelSession", summary: "Cancel a session",
                      tag: "sessions", body: (json, ref("Cancellation"), true), success: (200, ref("Session"), json),
                      errors: jsonBody + [404, 409], scope: academyManager),
            Operation(method: "put", path: "/sessions/{id}/trainers", id: "assignTrainers", summary: "Set the session's trainers",
                      tag: "sessions", body: (json, ref("Trainers"), true), success: (200, ref("Session"), json),
                      errors: jsonBody + [404, 409], scope: academyManager),
            Operation(method: "put", path: "/sessions/{id}/tutors", id: "assignTutors", summary: "Set the session's tutors",
                      tag: "sessions", body: (json, ref("Tutors"), true), success: (200, ref("Session"), json),
                      errors: jsonBody + [404, 409], scope: academyManager),
            Operation(method: "post", path: "/sessions/{id}/applications", id: "apply",
                      summary: "A teacher applies (sessions in application mode)", tag: "enrolments",
                      body: (json, ref("Entry"), false), success: (201, ref("Enrolment"), json),
                      errors: jsonBody + [404, 409], scope: entrant),
            Operation(method: "post", path: "/sessions/{id}/enrolments", id: "selfEnrol",
                      summary: "A teacher enrols (sessions in open mode); waitlisted when full", tag: "enrolments",
                      body: (json, ref("Entry"), false), success: (201, ref("Enrolment"), json),
                      errors: jsonBody + [404, 409], scope: entrant),
            Operation(method: "post", path: "/sessions/{id}/designations", id: "designate",
                      summary: "A manager designates a teacher (sessions in designation mode)", tag: "enrolments",
                      body: (json, ref("Designation"), true), success: (201, ref("Enrolment"), json),
                      errors: jsonBody + [404, 409], scope: academyManager),
            Operation(method: "post", path: "/sessions/{id}/designations.csv", id: "designateInBulk",
                      summary: "Designate the teachers of a CSV file (1 MiB, 5000 teachers at most): all of them, or none with a report of each bad line",
                      tag: "enrolments",
                      query: [("acceptanceRequired", ["type": "string", "enum": ["true", "false"]], "whether teachers must accept")],
                      body: ("text/csv", ["type": "string", "description": "header participantID[,group], then one teacher a line"], true),
                      success: (201, ref("EnrolmentList"), json), errors: jsonBody + [404, 409], scope: academyManager),
            Operation(method: "get", path: "/sessions/{id}/enrolments", id: "listEnrolments",
                      summary: "A session's enrolments, in order of arrival", tag: "enrolments",
                      query: [("state", ref("EnrolmentState"), "only enrolments in this state")],
                      success: (200, ref("EnrolmentList"), json), errors: [400, 404], scope: sessionStaff),
            Operation(method: "get", path: "/enrolments/{id}", id: "getEnrolment",
                      summary: "An enrolment, with the waiting-list position", tag: "enrolments",
                      success: (200, ref("Enrolment"), json), errors: [400, 404], scope: enrolmentReader),
            Operation(method: "get", path: "/enrolments/{id}/history", id: "getEnrolmentHistory",
                      summary: "Who moved the enrolment, when and why", tag: "enrolments",
                      success: (200, ref("History"), json), errors: [400, 404], scope: enrolmentReader),
            Operation(method: "get", path: "/teachers/{id}/record", id: "getTrainingRecord",
                      summary: "A teacher's trainings and hours for a school year (primary: the 18 h / 9 h obligation)",
                      tag: "records", query: [("schoolYear", ref("SchoolYear"), "defaults to the current school year")],
                      success: (200, ref("TrainingRecord"), json), errors: [400], scope: theTeacher),
            Operation(method: "get", path: "/teachers/{id}/attestation", id: "getAttestation",
                      summary: "A teacher's training attestation for a school year", tag: "records",
                      query: [("schoolYear", ref("SchoolYear"), "defaults to the current school year")],
                      success: (200, ref("Attestation"), json), errors: [400], scope: theTeacher),
        ]
        for (path, summary) in [("open", "Open a session for enrolment (needs a trainer)"), ("start", "Start a session"),
                                ("close", "Close a session")] {
            ops.append(Operation(method: "post", path: "/sessions/{id}/\(path)", id: "\(path)Session", summary: summary,
                                 tag: "sessions", success: (200, ref("Session"), json), errors: [400, 404, 409],
                                 scope: academyManager))
        }
        for (command, summary, scope) in [
            ("approve", "Approve an application (waitlisted when full)", academyManager),
            ("refuse", "Refuse an application", academyManager),
            ("withdraw", "Withdraw; a freed seat promotes the first waitlisted teacher",
             "the enrolment's teacher, or a manager of the session's academy on their behalf"),
            ("accept", "Accept a designation (waitlisted when full)", "the enrolment's teacher only"),
        ] {
            ops.append(Operation(method: "post", path: "/enrolments/{id}/\(command)", id: "\(command)Enrolment",
                                 summary: summary, tag: "enrolments", body: (json, ref("Decision"), false),
                                 success: (200, ref("Enrolment"), json), errors: jsonBody + [404, 409], scope: scope))
        }
        return ops
    }

    static let entrant =
        "a teacher for themselves (participantID absent or their own id); naming another teacher takes \(academyManager)"
    static let enrolmentReader = "the enrolment's teacher, or \(sessionStaff)"
    static let theTeacher = "the teacher themselves only: the path's id is the token's subject"

    static var schemas: JSON {
        [
        "Problem": [
            "type": "object", "description": "RFC 9457 problem details",
            "properties": [
                "type": string, "title": string, "status": integer, "detail": string, "instance": string,
                "currentState": ["type": "string", "description": "on 409: the state that refused the request"],
                "errors": array(object(["field": string, "problem": string, "line": integer], required: ["field", "problem"])),
            ] as JSON,
            "required": ["type", "title", "status"],
        ] as JSON,
        "Status": object(["status": string, "checks": ["type": "object", "additionalProperties": string]], required: ["status"]),
        "SessionState": enumeration(SessionState.allCases.map(\.rawValue)),
        "EnrolmentState": enumeration(EnrolmentState.allCases.map(\.rawValue)),
        "EnrolmentMode": enumeration(["application", "designation", "open"]),
        "SchoolLevel": enumeration(["primary", "secondary"]),
        "SchoolYear": ["type": "string", "pattern": "^[0-9]{4}-[0-9]{4}$", "examples": ["2026-2027"]],
        "CourseVersionRef": object(["courseID": string, "version": ["type": "integer", "minimum": 1]], required: ["courseID", "version"]),
        "ScheduledMeeting": object(
            ["activityID": string, "startsAt": dateTime, "endsAt": dateTime, "place": string], required: ["activityID", "startsAt"]),
        "SessionCalendar": object(
            ["enrolmentOpensAt": dateTime, "enrolmentClosesAt": dateTime, "startsAt": dateTime, "endsAt": dateTime,
             "meetings": array(ref("ScheduledMeeting"))],
            required: ["enrolmentOpensAt", "enrolmentClosesAt", "startsAt", "endsAt", "meetings"]),
        "SessionPlan": object(
            ["course": ref("CourseVersionRef"), "academy": pseudonymousID, "schoolLevel": ref("SchoolLevel"), "district": string,
             "pafModule": string, "title": string, "calendar": ref("SessionCalendar"), "trainerIDs": array(pseudonymousID),
             "tutorIDs": array(pseudonymousID), "capacity": ["type": "integer", "minimum": 1, "maximum": 10000],
             "mode": ref("EnrolmentMode")],
            required: ["course", "academy", "schoolLevel", "calendar", "capacity", "mode"]),
        "Seats": object(["capacity": integer, "taken": integer, "free": integer, "waitlisted": integer],
                        required: ["capacity", "taken", "free", "waitlisted"]),
        "Session": object(
            ["id": string, "course": ref("CourseVersionRef"), "academy": string, "schoolLevel": ref("SchoolLevel"),
             "district": string, "pafModule": string, "title": string, "calendar": ref("SessionCalendar"),
             "trainerIDs": array(string), "tutorIDs": array(string), "mode": ref("EnrolmentMode"),
             "state": ref("SessionState"), "seats": ref("Seats")],
            required: ["id", "course", "academy", "schoolLevel", "title", "calendar", "trainerIDs", "tutorIDs", "mode", "state", "seats"]),
        "SessionList": object(["sessions": array(ref("Session"))], required: ["sessions"]),
        "Enrolment": object(
            ["id": string, "sessionID": string, "participantID": string, "state": ref("EnrolmentState"), "group": string,
             "acceptanceRequired": ["type": "boolean"],
             "waitlistPosition": ["type": "integer", "minimum": 1, "description": "1 is next; only while waitlisted"],
             "createdAt": dateTime, "updatedAt": dateTime],
            required: ["id", "sessionID", "participantID", "state", "acceptanceRequired", "createdAt", "updatedAt"]),
        "EnrolmentList": object(["enrolments": array(ref("Enrolment"))], required: ["enrolments"]),
        "Transition": object(
            ["seq": integer, "aggregate": string, "aggregateID": string, "sessionID": string, "command": string,
             "fromState": string, "toState": string, "actorID": string, "reason": string, "occurredAt": dateTime],
            required: ["aggregate", "aggregateID", "sessionID", "command", "toState", "occurredAt"]),
        "History": object(["transitions": array(ref("Transition"))], required: ["transitions"]),
        "Cancellation": object(["reason": ["type": "string", "minLength": 1, "maxLength": 1000]], required: ["reason"]),
        "Trainers": object(["trainerIDs": array(pseudonymousID)], required: ["trainerIDs"]),
        "Tutors": object(["tutorIDs": array(pseudonymousID)], required: ["tutorIDs"]),
        "Designation": object(
            ["participantID": pseudonymousID, "acceptanceRequired": ["type": "boolean"],
             "group": ["type": "string", "minLength": 1, "maxLength": 64]],
            required: ["participantID"]),
        "Entry": object(["participantID": pseudonymousID], required: []),
        "Decision": object(["reason": ["type": "string", "minLength": 1, "maxLength": 1000]], required: []),
        "CompletedTraining": object(
            ["enrolmentID": string, "sessionID": string, "course": ref("CourseVersionRef"), "title": string, "academy": string,
             "schoolLevel": ref("SchoolLevel"), "completedAt": dateTime, "schoolYear": ref("SchoolYear"),
             "distanceMinutes": integer, "inPersonMinutes": integer],
            required: ["enrolmentID", "sessionID", "course", "title", "academy", "schoolLevel", "completedAt", "schoolYear",
                       "distanceMinutes", "inPersonMinutes"]),
        "PrimaryObligation": object(
            ["requiredMinutes": integer, "requiredDistanceMinutes": integer, "doneMinutes": integer,
             "doneDistanceMinutes": integer, "missingMinutes": integer, "missingDistanceMinutes": integer,
             "met": ["type": "boolean"]],
            required: ["requiredMinutes", "requiredDistanceMinutes", "doneMinutes", "doneDistanceMinutes", "missingMinutes",
                       "missingDistanceMinutes", "met"]),
        "TrainingRecord": object(
            ["teacherID": string, "schoolYear": ref("SchoolYear"), "schoolLevel": ref("SchoolLevel"),
             "trainings": array(ref("CompletedTraining")), "distanceMinutes": integer, "inPersonMinutes": integer,
             "totalMinutes": integer, "obligation": ref("PrimaryObligation")],
            required: ["teacherID", "schoolYear", "trainings", "distanceMinutes", "inPersonMinutes", "totalMinutes"]),
        "Attestation": object(
            ["kind": string, "issuedAt": dateTime, "issuer": string, "statement": string, "record": ref("TrainingRecord")],
            required: ["kind", "issuedAt", "issuer", "statement", "record"]),
        ]
    }

    static func document() -> JSON {
        var paths: [String: JSON] = [:]
        for operation in operations {
            var parameters: [JSON] = []
            if operation.path.contains("{id}") {
                parameters.append(["name": "id", "in": "path", "required": true, "schema": string])
            }
            for query in operation.query {
                parameters.append(["name": query.name, "in": "query", "required": false, "schema": query.schema,
                                   "description": query.description])
            }
            var responses: JSON = [:]
            var success: JSON = ["description": "success"]
            if let schema = operation.success.schema { success["content"] = [operation.success.type: ["schema": schema]] }
            responses[String(operation.success.status)] = success
            for status in operation.errors {
                responses[String(status)] = [
                    "description": HTTPResponse.Status(code: status).reasonPhrase,
                    "content": ["application/problem+json": ["schema": ref("Problem")]],
                ] as JSON
            }
            let rule = HTTPRequest.Method(operation.method.uppercased()).flatMap { access.rule($0, operation.path) }
            let open = rule == .anyone
            if !open {
                responses["401"] = ["$ref": "#/components/responses/Unauthenticated"]
                responses["403"] = ["$ref": "#/components/responses/Forbidden"]
            }
            var entry: JSON = [
                "operationId": operation.id, "summary": operation.summary, "tags": [operation.tag],
                "description": description(rule: rule, scope: operation.scope), "responses": responses,
                "security": open ? [] : [["bearerAuth": [String]()]],
            ]
            if !parameters.isEmpty { entry["parameters"] = parameters }
            if let body = operation.body {
                entry["requestBody"] = ["required": body.required, "content": [body.type: ["schema": body.schema]]] as JSON
            }
            paths[operation.path, default: [:]][operation.method] = entry
        }
        return [
            "openapi": "3.1.0",
            "info": [
                "title": "M@gistère enrolment service", "version": "1.0.0",
                "description": "Sessions, enrolments (application, designation, open), capacity and waiting lists, "
                    + "and teachers' yearly training records. Errors are application/problem+json. Every operation "
                    + "but the probes and this document needs a bearer token; each says which roles and scope.",
            ] as JSON,
            "tags": [["name": "sessions"], ["name": "enrolments"], ["name": "records"], ["name": "operations"]],
            "paths": paths,
            "security": [["bearerAuth": [String]()]],
            "components": ["schemas": schemas, "responses": responses, "securitySchemes": securitySchemes] as JSON,
        ]
    }

    /// Who may call an operation: its route's rule, then the handler's scope.
    static func description(rule: AccessRule?, scope: String?) -> String {
        guard let rule else { return "No access rule: refused to everyone." }
        if rule == .anyone { return "Open to anyone, without a token." }
        var text = "Needs a bearer token of \(rule)"
        if let scope { text += "; allowed for \(scope)" }
        return text + "."
    }

    static var securitySchemes: JSON {
        [
            "bearerAuth": [
                "type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                "description": "A JWT whose sub is the caller's pseudonymous id, roles their roles "
                    + "(designer, manager, trainer, tutor, participant, operator) and academy their academy code "
                    + "(none: national scope).",
            ] as JSON
        ]
    }

    /// The refusals every protected operation may answer.
    static var responses: JSON {
        let problem: JSON = ["application/problem+json": ["schema": ref("Problem")]]
        return [
            "Unauthenticated": [
                "description": "No bearer token, or one that is not valid (signature, expiry, issuer, audience)",
                "headers": [
                    "WWW-Authenticate": [
                        "description": "the Bearer challenge (RFC 6750), with the reason when a token was refused",
                        "schema": string,
                    ] as JSON
                ] as JSON,
                "content": problem,
            ] as JSON,
            "Forbidden": [
                "description": "The token's roles or scope (academy, session, teacher) do not allow this operation",
                "content": problem,
            ] as JSON,
        ]
    }

    /// The document as served.
    static let json: String = {
        let data = try! JSONSerialization.data(withJSONObject: document(), options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }()
}
