import Contracts
import Foundation
import GRDB

// MARK: - The academy's training plan for the secondary (PAF, issue 16)

/// An academy's plan (secondary): lines `module,sessionID,teacherID`, checked against the academy's sessions (their
/// `pafModule`); announced as `enrolment.paf.published.v1`.
enum AcademyPlan: PlanKind {
    typealias Line = AcademyPlanFile.Line
    typealias Key = EnrolmentApplication.PlanKey

    static func check(_ lines: [Line], _ key: Key, _ db: Database) throws {
        let file = AcademyPlanFile(lines: lines)
        try file.check(
            academy: key.academy, schoolYear: key.schoolYear,
            sessions: try EnrolmentApplication.plannableSessions(file.sessionIDs, db))
    }

    static func view(_ plan: StoredPlan<Line>, _ key: Key, _ db: Database) throws -> AcademyPlanVersion {
        AcademyPlanVersion(
            academy: key.academy, schoolYear: key.schoolYear, version: plan.version, state: plan.state,
            revision: plan.revision, lines: plan.lines, updatedBy: plan.updatedBy, updatedAt: plan.updatedAt,
            publishedBy: plan.publishedBy, publishedAt: plan.publishedAt)
    }

    /// Each module with its sessions (course version, start, minutes), every designated teacher.
    static func announcement(
        _ plan: StoredPlan<Line>, _ key: Key, supersedes: Int?, _ db: Database
    ) throws -> AcademyPlanPublished {
        let file = AcademyPlanFile(lines: plan.lines)
        let modules = try file.modules.map { module in
            AcademyPlanPublished.Module(
                module: module,
                sessions: try AcademyPlanFile(lines: plan.lines.filter { $0.module == module }).sessionIDs.map {
                    try EnrolmentApplication.plannedSession($0, db)
                })
        }
        return AcademyPlanPublished(
            academy: key.academy, schoolYear: key.schoolYear, version: plan.version, supersedesVersion: supersedes,
            modules: modules,
            assignments: plan.lines.compactMap { line in
                line.teacherID.map { PlanAssignment(teacherID: $0, sessionID: line.sessionID) }
            }, actorID: plan.publishedBy ?? plan.updatedBy, occurredAt: plan.publishedAt ?? plan.updatedAt)
    }

    static func assignment(_ line: Line) -> (sessionID: String, teacherID: String?) { (line.sessionID, line.teacherID) }

    /// Nothing of a PAF version depends on anything that changes after it is published.
    static func snapshot(_ key: Key, _ db: Database) throws -> String? { nil }
}

extension EnrolmentApplication {
    /// Where each module of the academy's latest published plan stands (no modules when none is published).
    func academyPlanReport(academy: String, schoolYear: SchoolYear) async throws -> AcademyPlanReport {
        try await store.read { db in
            let key = PlanKey(academy: academy, district: nil, schoolYear: schoolYear)
            guard let plan: StoredPlan<AcademyPlanFile.Line> = try Self.latestPublished(key, db) else {
                return AcademyPlanReport(academy: academy, schoolYear: schoolYear, version: nil, modules: [])
            }
            let file = AcademyPlanFile(lines: plan.lines)
            return AcademyPlanReport(
                academy: academy, schoolYear: schoolYear, version: plan.version,
                modules: try file.modules.map { module in
                    let lines = plan.lines.filter { $0.module == module }
                    let sessions = AcademyPlanFile(lines: lines).sessionIDs
                    var (seats, taken, completed, waitlisted) = (0, 0, 0, 0)
                    for id in sessions {
                        guard let session = try Session.fetchOne(db, key: id), session.state != .cancelled else {
                            continue
                        }
                        let counts = try Row.fetchOne(
                            db,
                            sql: """
                                SELECT COALESCE(SUM(state IN ('approved', 'completed')), 0) AS taken,
                                       COALESCE(SUM(state = 'completed'), 0) AS completed,
                                       COALESCE(SUM(state = 'waitlisted'), 0) AS waitlisted
                                FROM enrolment WHERE sessionID = ?
                                """, arguments: [id])!
                        seats += session.capacity
                        taken += counts["taken"] as Int
                        completed += counts["completed"] as Int
                        waitlisted += counts["waitlisted"] as Int
                    }
                    var planned: Set<String> = []
                    var enrolled = 0
                    for line in lines {
                        guard let teacher = line.teacherID, planned.insert(teacher).inserted else { continue }
                        // A seat in any session of the module counts.
                        let holds =
                            try Bool.fetchOne(
                                db,
                                sql: """
                                    SELECT EXISTS (SELECT 1 FROM enrolment WHERE participantID = ?
                                                   AND sessionID IN (\(databaseQuestionMarks(count: sessions.count)))
                                                   AND state IN ('approved', 'designated', 'completed'))
                                    """, arguments: StatementArguments([teacher] + sessions)) ?? false
                        if holds { enrolled += 1 }
                    }
                    return .init(
                        module: module, sessionIDs: sessions, seats: seats, seatsTaken: taken, completed: completed,
                        waitlisted: waitlisted, teachersPlanned: planned.count, teachersPlannedEnrolled: enrolled)
                })
        }
    }
}
