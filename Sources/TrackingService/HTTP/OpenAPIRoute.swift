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
        "description": "Progress, attendance and completion of enrolled teachers; xAPI 1.0.3 statements. Until authentication exists, callers name themselves in X-Actor-ID (a pseudonymous id)."
      },
      "paths": {
        "/health": {"get": {"operationId": "health", "summary": "The process is alive", "responses": {"200": {"description": "alive", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Status"}}}}}}},
        "/ready": {"get": {"operationId": "ready", "summary": "Store open and consumer running", "responses": {"200": {"description": "ready", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Status"}}}}, "503": {"description": "not ready", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Status"}}}}}}},
        "/metrics": {"get": {"operationId": "metrics", "summary": "Prometheus metrics", "responses": {"200": {"description": "metrics", "content": {"text/plain": {"schema": {"type": "string"}}}}}}},
        "/openapi.json": {"get": {"operationId": "openapi", "summary": "This document", "responses": {"200": {"description": "the document", "content": {"application/json": {"schema": {"type": "object"}}}}}}},
        "/enrolments/{id}/progress": {
          "parameters": [{"$ref": "#/components/parameters/EnrolmentID"}],
          "post": {
            "operationId": "recordProgress",
            "summary": "Record one progress report (idempotent by its id)",
            "parameters": [{"$ref": "#/components/parameters/ActorID"}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ProgressRecord"}}}},
            "responses": {
              "201": {"description": "recorded", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/EnrolmentProgress"}}}},
              "200": {"description": "the same report was already received: nothing changed", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/EnrolmentProgress"}}}},
              "400": {"$ref": "#/components/responses/Problem"}, "401": {"$ref": "#/components/responses/Problem"},
              "403": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"},
              "409": {"$ref": "#/components/responses/Problem"}, "415": {"$ref": "#/components/responses/Problem"},
              "422": {"$ref": "#/components/responses/Problem"}
            }
          },
          "get": {
            "operationId": "enrolmentProgress",
            "summary": "One enrolment's progress, for the teacher",
            "responses": {
              "200": {"description": "progress", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/EnrolmentProgress"}}}},
              "400": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"}
            }
          }
        },
        "/sessions/{id}/attendance": {
          "parameters": [{"$ref": "#/components/parameters/SessionID"}],
          "post": {
            "operationId": "recordAttendance",
            "summary": "Record a trainer's attendance sheet for one meeting or virtual class (all or nothing)",
            "parameters": [{"$ref": "#/components/parameters/ActorID"}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AttendanceSheet"}}}},
            "responses": {
              "200": {"description": "recorded", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AttendanceReceipt"}}}},
              "400": {"$ref": "#/components/responses/Problem"}, "401": {"$ref": "#/components/responses/Problem"},
              "403": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"},
              "409": {"$ref": "#/components/responses/Problem"}, "415": {"$ref": "#/components/responses/Problem"},
              "422": {"$ref": "#/components/responses/Problem"}
            }
          }
        },
        "/sessions/{id}/progress": {
          "parameters": [{"$ref": "#/components/parameters/SessionID"}],
          "get": {
            "operationId": "sessionProgress",
            "summary": "The trainers' table: one line per participant",
            "responses": {
              "200": {"description": "the table", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SessionProgress"}}}},
              "400": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"}
            }
          }
        },
        "/sessions/{id}/summary": {
          "parameters": [{"$ref": "#/components/parameters/SessionID"}],
          "get": {
            "operationId": "sessionSummary",
            "summary": "How many completed, the average progress",
            "responses": {
              "200": {"description": "the summary", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SessionSummary"}}}},
              "400": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"}
            }
          }
        },
        "/xapi/about": {
          "get": {"operationId": "xapiAbout", "summary": "xAPI versions supported", "responses": {"200": {"description": "versions", "content": {"application/json": {"schema": {"type": "object", "properties": {"version": {"type": "array", "items": {"type": "string"}}}}}}}}}
        },
        "/xapi/statements": {
          "parameters": [{"$ref": "#/components/parameters/XAPIVersion"}],
          "post": {
            "operationId": "postStatements",
            "summary": "Store one statement or a batch",
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"oneOf": [{"$ref": "#/components/schemas/Statement"}, {"type": "array", "items": {"$ref": "#/components/schemas/Statement"}}]}}}},
            "responses": {
              "200": {"description": "the statement ids", "content": {"application/json": {"schema": {"type": "array", "items": {"type": "string", "format": "uuid"}}}}},
              "400": {"$ref": "#/components/responses/Problem"}, "409": {"$ref": "#/components/responses/Problem"},
              "415": {"$ref": "#/components/responses/Problem"}
            }
          },
          "put": {
            "operationId": "putStatement",
            "summary": "Store one statement under the given id",
            "parameters": [{"name": "statementId", "in": "query", "required": true, "schema": {"type": "string", "format": "uuid"}}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Statement"}}}},
            "responses": {
              "204": {"description": "stored (or the same statement was already stored)"},
              "400": {"$ref": "#/components/responses/Problem"}, "409": {"$ref": "#/components/responses/Problem"},
              "415": {"$ref": "#/components/responses/Problem"}
            }
          },
          "get": {
            "operationId": "getStatements",
            "summary": "One statement by id, a voided one by id, or a query with paging",
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
              {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 0}},
              {"name": "format", "in": "query", "schema": {"type": "string", "enum": ["exact", "ids", "canonical"]}},
              {"name": "attachments", "in": "query", "schema": {"type": "boolean"}},
              {"name": "ascending", "in": "query", "schema": {"type": "boolean"}},
              {"name": "from", "in": "query", "description": "paging position from a `more` link", "schema": {"type": "string"}}
            ],
            "responses": {
              "200": {"description": "a statement, or a StatementResult", "content": {"application/json": {"schema": {"oneOf": [{"$ref": "#/components/schemas/Statement"}, {"$ref": "#/components/schemas/StatementResult"}]}}}},
              "400": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"}
            }
          }
        }
      },
      "components": {
        "parameters": {
          "EnrolmentID": {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}},
          "SessionID": {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}},
          "ActorID": {"name": "X-Actor-ID", "in": "header", "required": true, "description": "the caller's pseudonymous id (until authentication exists)", "schema": {"type": "string", "maxLength": 128}},
          "XAPIVersion": {"name": "X-Experience-API-Version", "in": "header", "required": true, "schema": {"type": "string", "example": "1.0.3"}}
        },
        "responses": {
          "Problem": {"description": "an RFC 9457 problem", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
        },
        "schemas": {
          "Problem": {"type": "object", "required": ["type", "title", "status"], "properties": {"type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"}, "detail": {"type": "string"}, "instance": {"type": "string"}, "currentState": {"type": "string"}, "errors": {"type": "array", "items": {"type": "object", "properties": {"field": {"type": "string"}, "problem": {"type": "string"}}}}}},
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
              "attendance": {"$ref": "#/components/schemas/AttendanceStatus"}, "lastActivityAt": {"type": "string", "format": "date-time"}}}}}},
          "SessionProgress": {"type": "object", "properties": {
            "sessionID": {"type": "string"}, "partition": {"type": "integer"}, "academy": {"type": "string"},
            "course": {"$ref": "#/components/schemas/CourseVersionRef"}, "ruleVersion": {"type": "integer"},
            "requiredActivities": {"type": "array", "items": {"type": "string"}},
            "participants": {"type": "array", "items": {"type": "object", "properties": {
              "enrolmentID": {"type": "string"}, "participantID": {"type": "string"}, "status": {"type": "string"},
              "percentRequiredDone": {"type": "integer"}, "requiredDone": {"type": "integer"}, "secondsSpent": {"type": "integer"},
              "attendance": {"type": "object", "additionalProperties": {"$ref": "#/components/schemas/AttendanceStatus"}},
              "completed": {"type": "boolean"}, "completedAt": {"type": "string", "format": "date-time"},
              "lastSeenAt": {"type": "string", "format": "date-time"}}}}}},
          "SessionSummary": {"type": "object", "properties": {"sessionID": {"type": "string"}, "participants": {"type": "integer"}, "withdrawn": {"type": "integer"}, "completed": {"type": "integer"}, "averagePercentRequiredDone": {"type": "number"}}},
          "Statement": {"type": "object", "description": "an xAPI 1.0.3 statement", "required": ["actor", "verb", "object"], "properties": {"id": {"type": "string", "format": "uuid"}, "actor": {"type": "object"}, "verb": {"type": "object"}, "object": {"type": "object"}, "result": {"type": "object"}, "context": {"type": "object"}, "timestamp": {"type": "string", "format": "date-time"}, "stored": {"type": "string", "format": "date-time"}, "version": {"type": "string"}}},
          "StatementResult": {"type": "object", "properties": {"statements": {"type": "array", "items": {"$ref": "#/components/schemas/Statement"}}, "more": {"type": "string"}}}
        }
      }
    }
    """#
}
