import Hummingbird
import ServiceSupport

/// `GET /openapi.json`: tracking's HTTP API as an OpenAPI 3.1 document (a test checks it lists exactly the
/// router's routes).
enum OpenAPIRoute {
    static func add(to router: Router<ServiceRequestContext>) {
        router.get("openapi.json") { request, _ -> Response in
            try QueryParameters.allowOnly([], in: request)
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: TrackingOpenAPI.document)))
        }
    }
}

/// The OpenAPI 3.1 document of the tracking service.
enum TrackingOpenAPI {
    static let document = #"""
    {
      "openapi": "3.1.0",
      "info": {
        "title": "M@gistère tracking service",
        "version": "1.0.0",
        "description": "Progress, attendance and completion of enrolled teachers; xAPI 1.0.3 statements. Every operation but the probes, this document and /xapi/about needs a bearer token (a JWT whose subject is the caller's pseudonymous id, with roles and an academy claim): no token or a bad one is 401, a role or scope the operation does not allow is 403. Each operation's description says who may call it."
      },
      "security": [{"bearerAuth": []}],
      "paths": {
        "/health": {"get": {"operationId": "health", "summary": "The process is alive", "security": [], "responses": {"200": {"description": "alive", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Status"}}}}}}},
        "/ready": {"get": {"operationId": "ready", "summary": "Store open and consumer running", "security": [], "responses": {"200": {"description": "ready", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Status"}}}}, "503": {"description": "not ready", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Status"}}}}}}},
        "/metrics": {"get": {"operationId": "metrics", "summary": "Prometheus metrics", "description": "Role operator.", "responses": {"200": {"description": "metrics", "content": {"text/plain": {"schema": {"type": "string"}}}}, "401": {"$ref": "#/components/responses/Unauthenticated"}, "403": {"$ref": "#/components/responses/Forbidden"}}}},
        "/openapi.json": {"get": {"operationId": "openapi", "summary": "This document", "security": [], "responses": {"200": {"description": "the document", "content": {"application/json": {"schema": {"type": "object"}}}}, "400": {"$ref": "#/components/responses/Problem"}}}},
        "/enrolments/{id}/progress": {
          "parameters": [{"$ref": "#/components/parameters/EnrolmentID"}],
          "post": {
            "operationId": "recordProgress",
            "summary": "Record one of your progress reports (idempotent by its id)",
            "description": "Role participant, and the enrolment must be the caller's own (403 otherwise): a participant records their own progress. Trainers and tutors do not post progress reports; they record attendance sheets.",
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ProgressRecord"}}}},
            "responses": {
              "201": {"description": "recorded", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/EnrolmentProgress"}}}},
              "200": {"description": "the same report was already received: nothing changed", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/EnrolmentProgress"}}}},
              "400": {"$ref": "#/components/responses/Problem"}, "401": {"$ref": "#/components/responses/Unauthenticated"},
              "403": {"$ref": "#/components/responses/Forbidden"}, "404": {"$ref": "#/components/responses/Problem"},
              "409": {"$ref": "#/components/responses/Problem"}, "413": {"$ref": "#/components/responses/Problem"},
              "415": {"$ref": "#/components/responses/Problem"}, "422": {"$ref": "#/components/responses/Problem"}
            }
          },
          "get": {
            "operationId": "enrolmentProgress",
            "summary": "One enrolment's progress",
            "description": "Its participant (role participant); a trainer or tutor assigned to its session; a manager of its session's academy (a manager without an academy claim: any academy). Anyone else: 403.",
            "responses": {
              "200": {"description": "progress", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/EnrolmentProgress"}}}},
              "400": {"$ref": "#/components/responses/Problem"}, "401": {"$ref": "#/components/responses/Unauthenticated"},
              "403": {"$ref": "#/components/responses/Forbidden"}, "404": {"$ref": "#/components/responses/Problem"}
            }
          }
        },
        "/sessions/{id}/attendance": {
          "parameters": [{"$ref": "#/components/parameters/SessionID"}],
          "post": {
            "operationId": "recordAttendance",
            "summary": "Record an attendance sheet for one meeting or virtual class (all or nothing)",
            "description": "Role trainer or tutor, assigned to this session (its trainerIDs or tutorIDs); anyone else: 403.",
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AttendanceSheet"}}}},
            "responses": {
              "200": {"description": "recorded", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AttendanceReceipt"}}}},
              "400": {"$ref": "#/components/responses/Problem"}, "401": {"$ref": "#/components/responses/Unauthenticated"},
              "403": {"$ref": "#/components/responses/Forbidden"}, "404": {"$ref": "#/components/responses/Problem"},
              "409": {"$ref": "#/components/responses/Problem"}, "413": {"$ref": "#/components/responses/Problem"},
              "415": {"$ref": "#/components/responses/Problem"}, "422": {"$ref": "#/components/responses/Problem"}
            }
          }
        },
        "/sessions/{id}/progress": {
          "parameters": [{"$ref": "#/components/parameters/SessionID"}],
          "get": {
            "operationId": "sessionProgress",
            "summary": "The trainers' table: one line per participant",
            "description": "A trainer or tutor assigned to this session; a manager of its academy (a manager without an academy claim: any academy). Anyone else: 403.",
            "responses": {
              "200": {"description": "the table", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SessionProgress"}}}},
              "400": {"$ref": "#/components/responses/Problem"}, "401": {"$ref": "#/components/responses/Unauthenticated"},
              "403": {"$ref": "#/components/responses/Forbidden"}, "404": {"$ref": "#/components/responses/Problem"}
            }
          }
        },
        "/sessions/{id}/summary": {
          "parameters": [{"$ref": "#/components/parameters/SessionID"}],
          "get": {
            "operationId": "sessionSummary",
            "summary": "How many completed, the average progress",
            "description": "As the table: a trainer or tutor assigned to this session; a manager of its academy. Anyone else: 403.",
            "responses": {
              "200": {"description": "the summary", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SessionSummary"}}}},
              "400": {"$ref": "#/components/responses/Problem"}, "401": {"$ref": "#/components/responses/Unauthenticated"},
              "403": {"$ref": "#/components/responses/Forbidden"}, "404": {"$ref": "#/components/responses/Problem"}
            }
          }
        },
        "/xapi/about": {
          "get": {"operationId": "xapiAbout", "summary": "xAPI versions supported", "security": [], "responses": {"200": {"description": "versions", "content": {"application/json": {"schema": {"type": "object", "properties": {"version": {"type": "array", "items": {"type": "string"}}}}}}}}}
        },
        "/xapi/statements": {
          "parameters": [{"$ref": "#/components/parameters/XAPIVersion"}],
          "post": {
            "operationId": "postStatements",
            "summary": "Store one statement or a batch",
            "description": "Role participant, trainer or tutor. The caller is the agent {\"account\": {\"homePage\": \"https://magistere.education.gouv.fr\", \"name\": <token subject>}}. Each statement's actor must be the caller, and a registration that is a known enrolment must be the caller's own, unless the caller is a trainer or tutor assigned to the session of the statement's registration (who may send statements for its participants). A voiding statement voids only the caller's own statements or those of a session they are assigned to. One statement the caller may not send refuses the whole batch (403) and nothing is stored. The LRS sets each statement's authority to the caller. A batch holds at most 250 statements (413 beyond). A progress statement (a platform activity with a registration) whose enrolment or course version tracking has not received yet is refused with 503 and Retry-After, nothing stored: send it again later. A participant's own 'attended' is kept as a claim that the session's trainers see; only their attendance sheet credits a meeting.",
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"oneOf": [{"$ref": "#/components/schemas/Statement"}, {"type": "array", "minItems": 1, "maxItems": 250, "items": {"$ref": "#/components/schemas/Statement"}}]}}}},
            "responses": {
              "200": {"description": "the statement ids", "content": {"application/json": {"schema": {"type": "array", "items": {"type": "string", "format": "uuid"}}}}},
              "400": {"$ref": "#/components/responses/Problem"}, "401": {"$ref": "#/components/responses/Unauthenticated"},
              "403": {"$ref": "#/components/responses/Forbidden"}, "409": {"$ref": "#/components/responses/Problem"},
              "413": {"$ref": "#/components/responses/Problem"}, "415": {"$ref": "#/components/responses/Problem"},
              "503": {"$ref": "#/components/responses/Problem"}
            }
          },
          "put": {
            "operationId": "putStatement",
            "summary": "Store one statement under the given id",
            "description": "Who may send it: as for POST (the actor is the caller, unless the caller is a trainer or tutor of the registration's session).",
            "parameters": [{"name": "statementId", "in": "query", "required": true, "schema": {"type": "string", "format": "uuid"}}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Statement"}}}},
            "responses": {
              "204": {"description": "stored (or the same statement was already stored)"},
              "400": {"$ref": "#/components/responses/Problem"}, "401": {"$ref": "#/components/responses/Unauthenticated"},
              "403": {"$ref": "#/components/responses/Forbidden"}, "409": {"$ref": "#/components/responses/Problem"},
              "413": {"$ref": "#/components/responses/Problem"}, "415": {"$ref": "#/components/responses/Problem"},
              "503": {"$ref": "#/components/responses/Problem"}
            }
          },
          "get": {
            "operationId": "getStatements",
            "summary": "One statement by id, a voided one by id, or a query with paging",
            "description": "Role participant, trainer, tutor or manager. A statement is visible to its actor and to whoever follows the session it was stored under (its trainers and tutors, the managers of its academy); a statement under no session (no registration tracking knew) only to its actor. A query returns only the statements visible to the caller; a caller without the trainer, tutor or manager role may not name another agent in 'agent' (403). A statement asked by id that the caller may not see is 403.",
            "parameters": [
              {"name": "statementId", "in": "query", "schema": {"type": "string", "format": "uuid"}},
              {"name": "voidedStatementId", "in": "query", "schema": {"type": "string", "format": "uuid"}},
              {"name": "agent", "in": "query", "description": "a JSON agent", "schema": {"type": "string"}},
              {"name": "verb", "in": "query", "schema": {"type": "string"}},
              {"name": "activity", "in": "query", "schema": {"type": "string"}},
              {"name": "registration", "in": "query", "schema": {"type": "string", "format": "uuid"}},
              {"name": "related_activities", "in": "query", "schema": {"type": "boolean"}},
              {"name": "related_agents", "in": "query", "schema": {"type": "boolean"}},
              {"name": "since", "in": "query", "schema": {"type": "string", "format": "date-time"}},
              {"name": "until", "in": "query", "schema": {"type": "string", "format": "date-time"}},
              {"name": "limit", "in": "query", "description": "at most this many (0: the maximum, 500)", "schema": {"type": "integer", "minimum": 0}},
              {"name": "format", "in": "query", "schema": {"type": "string", "enum": ["exact", "ids", "canonical"]}},
              {"name": "attachments", "in": "query", "schema": {"type": "boolean"}},
              {"name": "ascending", "in": "query", "schema": {"type": "boolean"}},
              {"name": "from", "in": "query", "description": "paging position from a `more` link", "schema": {"type": "string"}}
            ],
            "responses": {
              "200": {"description": "a statement, or a StatementResult", "content": {"application/json": {"schema": {"oneOf": [{"$ref": "#/components/schemas/Statement"}, {"$ref": "#/components/schemas/StatementResult"}]}}}},
              "400": {"$ref": "#/components/responses/Problem"}, "401": {"$ref": "#/components/responses/Unauthenticated"},
              "403": {"$ref": "#/components/responses/Forbidden"}, "404": {"$ref": "#/components/responses/Problem"}
            }
          }
        }
      },
      "components": {
        "securitySchemes": {
          "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT", "description": "subject: the caller's pseudonymous id; roles: designer, manager, trainer, tutor, participant, operator; academy: the academy a role is held for (none: national)"}
        },
        "parameters": {
          "EnrolmentID": {"name": "id", "in": "path", "required": true, "schema": {"$ref": "#/components/schemas/ID"}},
          "SessionID": {"name": "id", "in": "path", "required": true, "schema": {"$ref": "#/components/schemas/ID"}},
          "XAPIVersion": {"name": "X-Experience-API-Version", "in": "header", "required": true, "schema": {"type": "string", "example": "1.0.3"}}
        },
        "responses": {
          "Problem": {"description": "an RFC 9457 problem", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}},
          "Unauthenticated": {"description": "no bearer token, or one that does not verify (expired, wrong signature, wrong issuer or audience)", "headers": {"WWW-Authenticate": {"description": "the RFC 6750 challenge", "schema": {"type": "string"}}}, "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}},
          "Forbidden": {"description": "the caller's roles or scope do not allow this operation on this resource", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
        },
        "schemas": {
          "Problem": {"type": "object", "required": ["type", "title", "status"], "properties": {"type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"}, "detail": {"type": "string"}, "instance": {"type": "string"}, "currentState": {"type": "string"}, "errors": {"type": "array", "items": {"type": "object", "properties": {"field": {"type": "string"}, "problem": {"type": "string"}}}}}},
          "ID": {"type": "string", "minLength": 1, "maxLength": 128, "pattern": "^[A-Za-z0-9._:-]+$"},
          "Status": {"type": "object", "properties": {"status": {"type": "string"}, "checks": {"type": "object", "additionalProperties": {"type": "string"}}}},
          "ProgressRecord": {"type": "object", "required": ["id", "activityID"], "properties": {
            "id": {"type": "string", "minLength": 1, "maxLength": 128, "description": "the client's idempotency key"},
            "activityID": {"type": "string"},
            "timeSpentSeconds": {"type": "integer", "minimum": 0, "maximum": 28800, "description": "added to the time spent"},
            "completed": {"type": "boolean"},
            "score": {"type": "number", "minimum": 0, "maximum": 1, "description": "quiz attempts only"},
            "occurredAt": {"type": "string", "format": "date-time"}}},
          "AttendanceSheet": {"type": "object", "required": ["activityID", "entries"], "properties": {
            "activityID": {"type": "string"},
            "recordedAt": {"type": "string", "format": "date-time"},
            "entries": {"type": "array", "minItems": 1, "maxItems": 1000, "items": {"type": "object", "required": ["enrolmentID", "status"], "properties": {"enrolmentID": {"type": "string"}, "status": {"$ref": "#/components/schemas/AttendanceStatus"}}}}}},
          "AttendanceStatus": {"type": "string", "enum": ["present", "absent", "excused"]},
          "AttendanceReceipt": {"type": "object", "properties": {"sessionID": {"type": "string"}, "activityID": {"type": "string"}, "recorded": {"type": "integer"}, "completedEnrolments": {"type": "array", "items": {"type": "string"}}}},
          "CourseVersionRef": {"type": "object", "properties": {"courseID": {"type": "string"}, "version": {"type": "integer"}}},
          "EnrolmentProgress": {"type": "object", "properties": {
            "enrolmentID": {"type": "string"}, "sessionID": {"type": "string"}, "participantID": {"type": "string"},
            "course": {"$ref": "#/components/schemas/CourseVersionRef"}, "status": {"type": "string", "enum": ["approved", "withdrawn"]},
            "requiredTotal": {"type": "integer"}, "requiredDone": {"type": "integer"}, "percentRequiredDone": {"type": "integer"},
            "secondsSpent": {"type": "integer"}, "lastActivityAt": {"type": "string", "format": "date-time"},
            "creditedDistanceMinutes": {"type": "integer"}, "creditedInPersonMinutes": {"type": "integer"},
            "completion": {"type": "object", "properties": {"completedAt": {"type": "string", "format": "date-time"}, "ruleVersion": {"type": "integer"}, "criteriaMet": {"type": "array", "items": {"type": "string"}}, "distanceMinutes": {"type": "integer"}, "inPersonMinutes": {"type": "integer"}}},
            "activities": {"type": "array", "items": {"type": "object", "properties": {
              "activityID": {"type": "string"}, "title": {"type": "string"}, "kind": {"type": "string"}, "modality": {"type": "string"},
              "required": {"type": "boolean"}, "estimatedMinutes": {"type": "integer"}, "passThreshold": {"type": "number"},
              "startedAt": {"type": "string", "format": "date-time"}, "secondsSpent": {"type": "integer"}, "done": {"type": "boolean"},
              "doneAt": {"type": "string", "format": "date-time"}, "bestScore": {"type": "number"},
              "attendance": {"$ref": "#/components/schemas/AttendanceStatus"}, "attendanceClaimedAt": {"type": "string", "format": "date-time", "description": "the participant declared they attended (xAPI 'attended'): a claim for the trainers to confirm; it credits nothing"}, "lastActivityAt": {"type": "string", "format": "date-time"}}}}}},
          "SessionProgress": {"type": "object", "properties": {
            "sessionID": {"type": "string"}, "partition": {"type": "integer"}, "academy": {"type": "string"},
            "course": {"$ref": "#/components/schemas/CourseVersionRef"}, "ruleVersion": {"type": "integer"},
            "requiredActivities": {"type": "array", "items": {"type": "string"}},
            "participants": {"type": "array", "items": {"type": "object", "properties": {
              "enrolmentID": {"type": "string"}, "participantID": {"type": "string"}, "status": {"type": "string"},
              "percentRequiredDone": {"type": "integer"}, "requiredDone": {"type": "integer"}, "secondsSpent": {"type": "integer"},
              "attendance": {"type": "object", "additionalProperties": {"$ref": "#/components/schemas/AttendanceStatus"}},
              "attendanceClaims": {"type": "object", "description": "the participant's own claims of attendance by activity id (xAPI 'attended'), to confirm on the sheet; a claim credits nothing", "additionalProperties": {"type": "string", "format": "date-time"}},
              "completed": {"type": "boolean"}, "completedAt": {"type": "string", "format": "date-time"},
              "lastSeenAt": {"type": "string", "format": "date-time"}}}}}},
          "SessionSummary": {"type": "object", "properties": {"sessionID": {"type": "string"}, "participants": {"type": "integer"}, "withdrawn": {"type": "integer"}, "completed": {"type": "integer"}, "averagePercentRequiredDone": {"type": "number"}}},
          "Statement": {"type": "object", "description": "an xAPI 1.0.3 statement", "required": ["actor", "verb", "object"], "properties": {"id": {"type": "string", "format": "uuid"}, "actor": {"type": "object"}, "verb": {"type": "object"}, "object": {"type": "object"}, "result": {"type": "object"}, "context": {"type": "object"}, "timestamp": {"type": "string", "format": "date-time"}, "stored": {"type": "string", "format": "date-time"}, "version": {"type": "string"}}},
          "StatementResult": {"type": "object", "required": ["statements"], "properties": {"statements": {"type": "array", "items": {"$ref": "#/components/schemas/Statement"}}, "more": {"type": "string"}}}
        }
      }
    }
    """#
}
