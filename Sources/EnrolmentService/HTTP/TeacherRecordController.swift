import Contracts
import Foundation
import Hummingbird
import ServiceSupport

/// Teachers' yearly training records, attestations and own enrolments: personal data, read by the teacher only.
struct TeacherRecordController {
    let application: EnrolmentApplication
    let now: @Sendable () -> Date
    /// Up to when tracking's completions have been applied here (the consumer's watermark), if known.
    var consistentThrough: @Sendable () -> Date? = { nil }

    func addRoutes(to router: some RouterMethods<ServiceRequestContext>) {
        router.get("/teachers/{id}/record") { request, context in
            let record = try await record(request, context)
            return try Reply.json(record, consistentThrough: consistentThrough(), request: request, context: context)
        }
        router.get("/teachers/{id}/attestation") { request, context in
            let record = try await record(request, context)
            return try Reply.json(
                Attestation(record: record, issuedAt: now()), consistentThrough: consistentThrough(), request: request,
                context: context)
        }
        // The teacher's space lists every enrolment of the teacher, whatever its session's academy.
        router.get("/teachers/{id}/enrolments") { request, context in
            _ = try QueryParameters(request, allowed: [])
            let teacher = try PathIdentifier.require(naming: "Teacher", in: context)
            try EnrolmentScope(try context.requireCaller()).requireTeacher(teacher)
            let list = try await application.enrolments(participant: teacher)
            return try Reply.json(
                EnrolmentController.EnrolmentList(enrolments: list), consistentThrough: consistentThrough(),
                request: request, context: context)
        }
    }

    private func record(_ request: Request, _ context: ServiceRequestContext) async throws -> TrainingRecord {
        let query = try QueryParameters(request, allowed: ["schoolYear"])
        let year =
            try query.parse("schoolYear", expected: "a school year like 2026-2027", SchoolYear.init)
            ?? .containing(now())
        let teacher = try PathIdentifier.require(naming: "Teacher", in: context)
        // The caller's own subject, once checked, is a verified pseudonymous id.
        try EnrolmentScope(try context.requireCaller()).requireTeacher(teacher)
        return try await application.trainingRecord(teacher: teacher, schoolYear: year)
    }

    /// A teacher's attestation of training for a school year: the record, as issued at a date.
    struct Attestation: Codable, Sendable {
        var kind = "training-attestation"
        var issuedAt: Date
        var issuer = "M@gistère — service des inscriptions"
        var statement: String
        var record: TrainingRecord

        init(record: TrainingRecord, issuedAt: Date) {
            self.issuedAt = issuedAt
            self.record = record
            let hours = { (minutes: Int) in String(format: "%d h %02d", minutes / 60, minutes % 60) }
            var statement =
                "Teacher \(record.teacherID) completed \(record.trainings.count) training(s) in \(record.schoolYear): "
                + "\(hours(record.totalMinutes)) in all, \(hours(record.distanceMinutes)) of it at a distance."
            if let obligation = record.obligation {
                statement +=
                    obligation.met
                    ? " The primary teachers' yearly obligation (18 h, 9 h of it digital) is met."
                    : " The primary teachers' yearly obligation (18 h, 9 h of it digital) is not met: \(hours(obligation.missingMinutes)) missing."
            }
            self.statement = statement
        }
    }
}
