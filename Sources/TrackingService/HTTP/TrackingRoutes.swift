import Foundation
import HTTPTypes
import Hummingbird
import ServiceSupport

/// The JSON API of tracking: progress reports, attendance sheets, and the progress reads.
///
/// | route | what |
/// |---|---|
/// | `POST /enrolments/{id}/progress` | one progress report (idempotent by its `id`) |
/// | `GET /enrolments/{id}/progress` | one enrolment's progress, for the teacher |
/// | `POST /sessions/{id}/attendance` | a trainer's attendance sheet for one meeting, for many participants |
/// | `GET /sessions/{id}/progress` | the trainers' table |
/// | `GET /sessions/{id}/summary` | completed count and average progress |
struct TrackingRoutes: Sendable {
    let application: TrackingApplication

    static let replayHeader = HTTPField.Name("Idempotent-Replayed")!

    func add(to router: Router<ServiceRequestContext>) {
        router.post("enrolments/:id/progress") { request, context in
            try await self.postProgress(request, context)
        }
        router.get("enrolments/:id/progress") { request, context in
            try QueryParameters.allowOnly([], in: request)
            let id = try context.parameters.require("id")
            return try await mappingErrors { JSONResponse(try await application.enrolmentProgress(enrolmentID: id)) }
        }
        router.post("sessions/:id/attendance") { request, context in
            try QueryParameters.allowOnly([], in: request)
            let id = try context.parameters.require("id")
            let actor = try ActorIdentity.require(request)
            let sheet = try await JSONBody.decode(AttendanceSheet.self, from: request)
            return try await mappingErrors {
                JSONResponse(try await application.recordAttendance(sessionID: id, sheet: sheet, actorID: actor))
            }
        }
        router.get("sessions/:id/progress") { request, context in
            try QueryParameters.allowOnly([], in: request)
            let id = try context.parameters.require("id")
            return try await mappingErrors { JSONResponse(try await application.sessionProgress(sessionID: id)) }
        }
        router.get("sessions/:id/summary") { request, context in
            try QueryParameters.allowOnly([], in: request)
            let id = try context.parameters.require("id")
            return try await mappingErrors { JSONResponse(try await application.sessionSummary(sessionID: id)) }
        }
    }

    private func postProgress(_ request: Request, _ context: ServiceRequestContext) async throws
        -> JSONResponse<EnrolmentProgressView>
    {
        try QueryParameters.allowOnly([], in: request)
        let id = try context.parameters.require("id")
        let actor = try ActorIdentity.require(request)
        let record = try await JSONBody.decode(ProgressRecord.self, from: request)
        return try await mappingErrors {
            let receipt = try await application.recordProgress(enrolmentID: id, record: record, actorID: actor)
            return JSONResponse(
                receipt.progress, status: receipt.replayed ? .ok : .created,
                headers: [Self.replayHeader: receipt.replayed ? "true" : "false"])
        }
    }
}
