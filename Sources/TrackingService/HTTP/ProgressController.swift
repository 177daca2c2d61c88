import Contracts
import Foundation
import HTTPTypes
import Hummingbird
import ServiceSupport

/// The JSON API of tracking: progress reports, attendance sheets, and the progress reads.
///
/// | route | what | who (the route's role, then the scope checked on the loaded session/enrolment) |
/// |---|---|---|
/// | `POST /enrolments/{id}/progress` | one progress report (idempotent by its `id`) | the enrolment's participant |
/// | `GET /enrolments/{id}/progress/requests/{request}` | what became of a report answered 202 (accepted by an instance that does not own the session, decided by the one that does) | its participant, and the enrolment's readers |
/// | `GET /enrolments/{id}/progress` | one enrolment's progress | its participant; the session's trainers and tutors; a manager of its academy |
/// | `POST /sessions/{id}/attendance` | an attendance sheet for one meeting, for many participants | a trainer or tutor assigned to the session |
/// | `GET /sessions/{id}/progress` | the trainers' table | the session's trainers and tutors; a manager of its academy |
/// | `GET /sessions/{id}/summary` | completed count and average progress | as the table |
/// | `GET /sessions/{id}/audit` | what was audited: backdated sheets, corrections, voided statements, re-evaluations | as the table |
/// | `POST /enrolments/{id}/reevaluation` | recompute one enrolment under the rules in force, saying why | a manager of its academy |
/// | `POST /sessions/{id}/reevaluation` | the same for each approved enrolment of the session (after a designer corrected the rules) | a manager of its academy |
///
/// Trainers do not post progress reports for participants: progress is the participant's own account of
/// their work; trainers record what they witness, attendance (and may relay a tool's xAPI statements).
struct ProgressController: Sendable {
    let application: TrackingApplication
    /// `X-Consistent-Through` on the reads that depend on enrolment's events (nil in tests that run no consumer).
    var watermark: ConsistencyWatermark? = nil

    /// The read's headers: the watermark of its session's partition, when known.
    func consistency(session sessionID: String) -> HTTPFields {
        guard let through = watermark?.through(session: sessionID) else { return [:] }
        return [.consistentThrough: Timestamp.format(through)]
    }

    static let replayHeader = HTTPField.Name("Idempotent-Replayed")!

    func addRoutes(to router: some RouterMethods<ServiceRequestContext>) {
        // No route of this API takes a query parameter.
        let router = router.group().add(middleware: NoQueryParameters())
        router.post("enrolments/:id/progress") { request, context in
            try await self.postProgress(request, context)
        }
        router.get("enrolments/:id/progress") { request, context in
            let id = try PathIdentifier.require(naming: "Enrolment", in: context)
            let caller = try context.requireCaller()
            let view = try await application.enrolmentProgress(enrolmentID: id, for: caller)
            return JSONResponse(view, headers: consistency(session: view.sessionID))
        }
        router.get("enrolments/:id/progress/requests/:request") { request, context in
            let id = try PathIdentifier.require(naming: "Enrolment", in: context)
            let requestID = try PathIdentifier.require("request", naming: "Request", in: context)
            let caller = try context.requireCaller()
            return JSONResponse(
                try await application.forwardedOutcome(requestID: requestID, enrolmentID: id, for: caller))
        }
        router.post("sessions/:id/attendance") { request, context in
            let id = try PathIdentifier.require(naming: "Session", in: context)
            let caller = try context.requireCaller()
            let sheet = try await JSONBody.decode(AttendanceSheet.self, from: request)
            return JSONResponse(try await application.recordAttendance(sessionID: id, sheet: sheet, by: caller))
        }
        router.get("sessions/:id/progress") { request, context in
            let id = try PathIdentifier.require(naming: "Session", in: context)
            let caller = try context.requireCaller()
            return JSONResponse(
                try await application.sessionProgress(sessionID: id, for: caller), headers: consistency(session: id))
        }
        router.get("sessions/:id/summary") { request, context in
            let id = try PathIdentifier.require(naming: "Session", in: context)
            let caller = try context.requireCaller()
            return JSONResponse(
                try await application.sessionSummary(sessionID: id, for: caller), headers: consistency(session: id))
        }
        router.get("sessions/:id/audit") { request, context in
            let id = try PathIdentifier.require(naming: "Session", in: context)
            let caller = try context.requireCaller()
            return JSONResponse(AuditEntries(entries: try await application.sessionAudit(sessionID: id, for: caller)))
        }
        router.post("enrolments/:id/reevaluation") { request, context in
            let id = try PathIdentifier.require(naming: "Enrolment", in: context)
            let caller = try context.requireCaller()
            let body = try await JSONBody.decode(ReevaluationRequest.self, from: request)
            return JSONResponse(try await application.reevaluate(enrolmentID: id, reason: body.reason, by: caller))
        }
        router.post("sessions/:id/reevaluation") { request, context in
            let id = try PathIdentifier.require(naming: "Session", in: context)
            let caller = try context.requireCaller()
            let body = try await JSONBody.decode(ReevaluationRequest.self, from: request)
            return JSONResponse(try await application.reevaluate(sessionID: id, reason: body.reason, by: caller))
        }
    }

    /// `POST /enrolments/{id}/progress`: 201 with the enrolment's progress (200 for a replay); with
    /// `Prefer: return=minimal` (RFC 7240), a small receipt instead — what tools posting at a campaign's peak want,
    /// and a quarter of tracking's work per report saved (no second read, a tiny encoding).
    private func postProgress(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let id = try PathIdentifier.require(naming: "Enrolment", in: context)
        let caller = try context.requireCaller()
        let record = try await JSONBody.decode(ProgressRecord.self, from: request)
        let minimal = Self.prefersMinimal(request)
        let receipt = try await application.recordProgress(
            enrolmentID: id, record: record, by: caller, withView: !minimal)
        if let forwarded = receipt.forwardedRequest {
            // Another instance owns the session: the report is safely in its partition's queue, decided there.
            let outcome = "/enrolments/\(id)/progress/requests/\(forwarded)"
            return try JSONResponse(
                ForwardedReceipt(id: record.id, requestID: forwarded, state: "accepted", outcome: outcome),
                status: .accepted, headers: [.location: outcome]
            ).response(from: request, context: context)
        }
        var headers: HTTPFields = [Self.replayHeader: receipt.replayed ? "true" : "false"]
        let status: HTTPResponse.Status = receipt.replayed ? .ok : .created
        guard let progress = receipt.progress else {
            headers[Self.preferenceApplied] = "return=minimal"
            let answer = MinimalReceipt(
                id: record.id, replayed: receipt.replayed, courseCompleted: receipt.completedCourse)
            return try JSONResponse(answer, status: status, headers: headers).response(from: request, context: context)
        }
        return try JSONResponse(progress, status: status, headers: headers).response(from: request, context: context)
    }

    static let preferenceApplied = HTTPField.Name("Preference-Applied")!

    /// Whether the request's `Prefer` header asks for `return=minimal`.
    static func prefersMinimal(_ request: Request) -> Bool {
        request.headers[values: HTTPField.Name("Prefer")!].contains { value in
            value.split(separator: ",").contains {
                $0.trimmingCharacters(in: .whitespaces).lowercased() == "return=minimal"
            }
        }
    }

    /// `POST /enrolments/{id}/reevaluation`'s body.
    struct ReevaluationRequest: Decodable, Sendable {
        var reason: String
    }

    /// `GET /sessions/{id}/audit`'s answer.
    struct AuditEntries: Codable, Sendable {
        var entries: [TrackingApplication.AuditRecord]
    }

    /// The answer to a report accepted for a session another instance owns (202).
    struct ForwardedReceipt: Encodable, Sendable {
        /// The report's id.
        var id: String
        var requestID: String
        var state: String
        /// Where to learn what became of it (also the `Location` header).
        var outcome: String
    }

    /// The answer to a report sent with `Prefer: return=minimal`.
    struct MinimalReceipt: Encodable, Sendable {
        /// The report's id.
        var id: String
        /// True when the report had been received before: nothing changed.
        var replayed: Bool
        /// True when this report completed the course.
        var courseCompleted: Bool
    }
}
