import Contracts
import Foundation
import GRDB

// MARK: - Districts: the training plan answering the needs diagnosis (issue 16)

/// A district's plan (primary): lines `theme,sessionID,teacherID`, checked against the year's needs diagnosis and the
/// district's sessions; announced as `enrolment.plan.published.v1`.
enum DistrictPlan: PlanKind {
    typealias Line = TrainingPlanFile.Line
    typealias Key = EnrolmentApplication.PlanKey

    static func check(_ lines: [Line], _ key: Key, _ db: Database) throws {
        let diagnosis = try Self.diagnosis(key, db)
        guard !diagnosis.needs.isEmpty else { throw TrainingPlanConflict.noDiagnosis(schoolYear: key.schoolYear) }
        let file = TrainingPlanFile(lines: lines)
        try file.check(
            against: .init(
                academy: key.academy, district: key.district ?? "", schoolYear: key.schoolYear, diagnosis: diagnosis,
                sessions: try EnrolmentApplication.plannableSessions(file.sessionIDs, db)))
    }

    static func view(_ plan: StoredPlan<Line>, _ key: Key, _ db: Database) throws -> TrainingPlanVersion {
        TrainingPlanVersion(
            academy: key.academy, district: key.district ?? "", schoolYear: key.schoolYear, version: plan.version,
            state: plan.state, revision: plan.revision, lines: plan.lines, updatedBy: plan.updatedBy,
            updatedAt: plan.updatedAt, publishedBy: plan.publishedBy, publishedAt: plan.publishedAt,
            themes: try plan.snapshot.map { try EventCoding.decode([String].self, from: Data($0.utf8)) }
                ?? diagnosis(key, db).themes)
    }

    /// The diagnosis's themes when the version is published: what it answered and left unanswered stays as it was.
    static func snapshot(_ key: Key, _ db: Database) throws -> String? {
        String(decoding: try EventCoding.encode(try diagnosis(key, db).themes), as: UTF8.self)
    }

    /// Each theme answered with its sessions (course version, start, minutes), every teacher's assignment.
    static func announcement(
        _ plan: StoredPlan<Line>, _ key: Key, supersedes: Int?, _ db: Database
    ) throws -> TrainingPlanPublished {
        let needs = try diagnosis(key, db).needs
        var planned: [String: TrainingPlanPublished.PlannedSession] = [:]
        for id in TrainingPlanFile(lines: plan.lines).sessionIDs {
            planned[id] = try EnrolmentApplication.plannedSession(id, db)
        }
        let answers = NeedsDiagnosis(needs: needs).themes.compactMap { theme -> TrainingPlanPublished.Answer? in
            let lines = plan.lines.filter { $0.theme == theme }
            guard !lines.isEmpty, let first = needs.first(where: { $0.theme == theme }) else { return nil }
            return .init(
                theme: theme, domain: first.domain,
                priority: needs.filter { $0.theme == theme }.map(\.priority).min() ?? first.priority,
                sessions: lines.map(\.sessionID).uniqued().compactMap { planned[$0] })
        }
        // A file never plans a teacher into a session twice (``TrainingPlanFile/parse(_:)``): one assignment a line.
        let assignments = plan.lines.map {
            TrainingPlanPublished.Assignment(teacherID: $0.teacherID, sessionID: $0.sessionID)
        }
        return TrainingPlanPublished(
            academy: key.academy, district: key.district ?? "", schoolYear: key.schoolYear, version: plan.version,
            supersedesVersion: supersedes, answers: answers, assignments: assignments,
            actorID: plan.publishedBy ?? plan.updatedBy, occurredAt: plan.publishedAt ?? plan.updatedAt)
    }

    static func assignment(_ line: Line) -> (sessionID: String, teacherID: String?) { (line.sessionID, line.teacherID) }

    private static func diagnosis(_ key: Key, _ db: Database) throws -> NeedsDiagnosis {
        NeedsDiagnosis(
            needs: try EnrolmentApplication.diagnosis(
                academy: key.academy, district: key.district ?? "", schoolYear: key.schoolYear, db
            ).needs)
    }
}
