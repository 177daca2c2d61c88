import Contracts
import Foundation
import GRDB
import Messaging

// MARK: - Districts: the training plan, in versions (issue 16)

extension EnrolmentApplication {
    /// Where a plan belongs: an academy's district and a school year.
    public struct PlanKey: Sendable, Equatable {
        public let academy: String
        public let district: String
        public let schoolYear: SchoolYear

        var arguments: StatementArguments { [academy, district, schoolYear.startYear] }
    }

    /// What designating the teachers of a published plan did, session by session.
    public struct PlanDesignations: Codable, Sendable, Equatable {
        public struct SessionOutcome: Codable, Sendable, Equatable {
            public let sessionID: String
            /// The enrolments made now (approved, or waitlisted when the session was full).
            public let designated: [EnrolmentView]
            /// Teachers of the plan already holding a live enrolment in the session: left as they are.
            public let alreadyEnrolled: [String]
            /// Why the session took no designation (it is not open, or it takes enrolments another way).
            public let refused: String?
        }

        public let academy: String
        public let district: String
        public let schoolYear: SchoolYear
        public let version: Int
        public let sessions: [SessionOutcome]
    }

    /// Writes version `version` of the plan as a draft from a checked file: the next version only (published
    /// versions never change), checked against the year's diagnosis and the district's sessions in the same
    /// transaction. Each write is a new revision of the draft.
    func writePlan(
        _ file: TrainingPlanFile, _ key: PlanKey, version: Int, expectedRevision: Int?, actor: String
    ) async throws -> TrainingPlanVersion {
        let date = store.timestamp
        return try await store.write { db in
            let stored = try Self.storedPlan(key, version: version, db)
            if let stored {
                guard stored.state == .draft else { throw TrainingPlanConflict.published(version: version) }
                try Self.require(expectedRevision, matches: stored.revision)
            } else {
                let next = try Self.latestVersion(key, db) + 1
                guard version == next else { throw TrainingPlanConflict.notNext(version: version, next: next) }
            }
            try Self.check(file, key, db)
            try db.execute(
                sql: """
                    INSERT INTO trainingPlan (academy, district, schoolYear, version, state, revision, lines, updatedBy,
                                              updatedAt)
                    VALUES (?, ?, ?, ?, 'draft', 1, ?, ?, ?)
                    ON CONFLICT (academy, district, schoolYear, version) DO UPDATE SET revision = revision + 1,
                        lines = excluded.lines, updatedBy = excluded.updatedBy, updatedAt = excluded.updatedAt
                    """,
                arguments: key.arguments + [version, try Self.encode(file.lines), actor, date])
            return try Self.storedPlan(key, version: version, db)!
        }
    }

    /// Publishes the draft `version`, checked again against the district's sessions as they are now, and announces
    /// it (`enrolment.plan.published.v1`) in the same transaction.
    func publishPlan(
        _ key: PlanKey, version: Int, expectedRevision: Int?, actor: String
    ) async throws -> TrainingPlanVersion {
        let date = store.timestamp
        return try await store.write { db in
            guard let draft = try Self.storedPlan(key, version: version, db) else {
                throw EnrolmentFailure.notFound(what: "Training plan version", id: "\(version)")
            }
            guard draft.state == .draft else { throw TrainingPlanConflict.published(version: version) }
            try Self.require(expectedRevision, matches: draft.revision)
            let file = TrainingPlanFile(lines: draft.lines)
            try Self.check(file, key, db)
            try db.execute(
                sql: """
                    UPDATE trainingPlan SET state = 'published', publishedBy = ?, publishedAt = ?
                    WHERE academy = ? AND district = ? AND schoolYear = ? AND version = ?
                    """, arguments: [actor, date] + key.arguments + [version])
            try Outbox.append(
                try Self.announcement(of: file, key, version: version, actor: actor, at: date, db), time: date, in: db)
            return try Self.storedPlan(key, version: version, db)!
        }
    }

    /// Every version of the plan, newest first.
    func plans(_ key: PlanKey) async throws -> [TrainingPlanVersion] {
        try await store.read { db in
            let versions = try Int.fetchAll(
                db,
                sql: """
                    SELECT version FROM trainingPlan WHERE academy = ? AND district = ? AND schoolYear = ?
                    ORDER BY version DESC
                    """, arguments: key.arguments)
            return try versions.compactMap { try Self.storedPlan(key, version: $0, db) }
        }
    }

    /// One version of the plan.
    func plan(_ key: PlanKey, version: Int) async throws -> TrainingPlanVersion {
        try await store.read { db in
            guard let plan = try Self.storedPlan(key, version: version, db) else {
                throw EnrolmentFailure.notFound(what: "Training plan version", id: "\(version)")
            }
            return plan
        }
    }

    /// Designates, through the designation path, the teachers a published version plans into each of its sessions:
    /// one transaction per session; teachers already enrolled are left as they are (running it again designates
    /// nobody twice); a session that takes no designation now is reported, not an error.
    func designate(fromPlan key: PlanKey, version: Int, actor: String) async throws -> PlanDesignations {
        let plan = try await plan(key, version: version)
        guard plan.state == .published else { throw TrainingPlanConflict.notPublished(version: version) }
        let date = store.timestamp
        var outcomes: [PlanDesignations.SessionOutcome] = []
        for sessionID in TrainingPlanFile(lines: plan.lines).sessionIDs {
            let teachers = plan.lines.filter { $0.sessionID == sessionID }.map(\.teacherID)
            outcomes.append(
                try await store.write { db in
                    let session = try EnrolmentStore.session(sessionID, in: db)
                    let entry = EnrolmentEntry.designation(acceptanceRequired: false)
                    do throws(SessionRuleViolation) {
                        try session.admit(entry)
                    } catch {
                        return .init(sessionID: sessionID, designated: [], alreadyEnrolled: [], refused: error.reason)
                    }
                    var designated: [EnrolmentView] = []
                    var already: [String] = []
                    for teacher in teachers {
                        if try EnrolmentStore.liveEnrolment(of: teacher, in: sessionID, db: db) != nil {
                            already.append(teacher)
                            continue
                        }
                        let enrolment = try EnrolmentStore.enter(
                            session, participant: teacher, entry: entry, group: nil, actor: actor, at: date, in: db)
                        designated.append(try EnrolmentStore.view(of: enrolment, in: db))
                    }
                    return .init(sessionID: sessionID, designated: designated, alreadyEnrolled: already, refused: nil)
                })
        }
        return PlanDesignations(
            academy: key.academy, district: key.district, schoolYear: key.schoolYear, version: version,
            sessions: outcomes)
    }

    /// The teachers of the latest published version of the plan and the sessions it plans them into.
    static func publishedAssignments(
        _ key: PlanKey, _ db: Database
    ) throws -> (version: Int, lines: [TrainingPlanFile.Line])? {
        guard
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT version, lines FROM trainingPlan
                    WHERE academy = ? AND district = ? AND schoolYear = ? AND state = 'published'
                    ORDER BY version DESC LIMIT 1
                    """, arguments: key.arguments)
        else { return nil }
        return (row["version"], try decode(row["lines"]))
    }

    // MARK: - Inside a transaction

    private static func require(_ expected: Int?, matches revision: Int) throws {
        if let expected, expected != revision { throw TrainingPlanConflict.revisionMismatch(current: revision) }
    }

    private static func latestVersion(_ key: PlanKey, _ db: Database) throws -> Int {
        try Int.fetchOne(
            db, sql: "SELECT MAX(version) FROM trainingPlan WHERE academy = ? AND district = ? AND schoolYear = ?",
            arguments: key.arguments) ?? 0
    }

    /// Checks a plan file against the year's diagnosis and the sessions it names; returns the diagnosis's themes.
    @discardableResult
    private static func check(_ file: TrainingPlanFile, _ key: PlanKey, _ db: Database) throws -> [String] {
        let needs = try diagnosis(academy: key.academy, district: key.district, schoolYear: key.schoolYear, db).needs
        guard !needs.isEmpty else { throw TrainingPlanConflict.noDiagnosis(schoolYear: key.schoolYear) }
        var sessions: [String: TrainingPlanFile.Session] = [:]
        for id in file.sessionIDs {
            guard let session = try Session.fetchOne(db, key: id) else { continue }
            sessions[id] = .init(
                id: id, academy: session.academy, district: session.district, cancelled: session.state == .cancelled,
                schoolYear: SchoolYear.containing(session.calendar.startsAt), capacity: session.capacity)
        }
        let diagnosis = NeedsDiagnosis(needs: needs)
        try file.check(
            against: .init(
                academy: key.academy, district: key.district, schoolYear: key.schoolYear, diagnosis: diagnosis,
                sessions: sessions))
        return themes(of: diagnosis)
    }

    private static func themes(of diagnosis: NeedsDiagnosis) -> [String] {
        var seen: Set<String> = []
        return diagnosis.needs.map(\.theme).filter { seen.insert($0).inserted }
    }

    private static func storedPlan(_ key: PlanKey, version: Int, _ db: Database) throws -> TrainingPlanVersion? {
        guard
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT * FROM trainingPlan WHERE academy = ? AND district = ? AND schoolYear = ? AND version = ?
                    """, arguments: key.arguments + [version])
        else { return nil }
        let needs = try diagnosis(academy: key.academy, district: key.district, schoolYear: key.schoolYear, db).needs
        return TrainingPlanVersion(
            academy: key.academy, district: key.district, schoolYear: key.schoolYear, version: version,
            state: TrainingPlanVersion.State(rawValue: row["state"]) ?? .draft, revision: row["revision"],
            lines: try decode(row["lines"]), updatedBy: row["updatedBy"], updatedAt: row["updatedAt"],
            publishedBy: row["publishedBy"], publishedAt: row["publishedAt"],
            themes: themes(of: NeedsDiagnosis(needs: needs)))
    }

    /// The event announcing a published version: each theme answered with its sessions (course version, start,
    /// minutes), every teacher's assignment.
    private static func announcement(
        of file: TrainingPlanFile, _ key: PlanKey, version: Int, actor: String, at date: Date, _ db: Database
    ) throws -> TrainingPlanPublished {
        let needs = try diagnosis(academy: key.academy, district: key.district, schoolYear: key.schoolYear, db).needs
        var planned: [String: TrainingPlanPublished.PlannedSession] = [:]
        for id in file.sessionIDs {
            let session = try EnrolmentStore.session(id, in: db)
            let course = try EnrolmentStore.courseVersion(session.course, in: db)
            planned[id] = .init(
                sessionID: id, course: session.course, startsAt: session.calendar.startsAt,
                distanceMinutes: course?.distanceMinutes ?? 0, inPersonMinutes: course?.inPersonMinutes ?? 0)
        }
        let answers = themes(of: NeedsDiagnosis(needs: needs)).compactMap { theme -> TrainingPlanPublished.Answer? in
            let lines = file.lines.filter { $0.theme == theme }
            guard !lines.isEmpty, let first = needs.first(where: { $0.theme == theme }) else { return nil }
            var seen: Set<String> = []
            return .init(
                theme: theme, domain: first.domain,
                priority: needs.filter { $0.theme == theme }.map(\.priority).min() ?? first.priority,
                sessions: lines.map(\.sessionID).filter { seen.insert($0).inserted }.compactMap { planned[$0] })
        }
        var seen: Set<String> = []
        let assignments = file.lines.filter { seen.insert("\($0.sessionID)\u{0}\($0.teacherID)").inserted }.map {
            TrainingPlanPublished.Assignment(teacherID: $0.teacherID, sessionID: $0.sessionID)
        }
        let previous = try Int.fetchOne(
            db,
            sql: """
                SELECT MAX(version) FROM trainingPlan
                WHERE academy = ? AND district = ? AND schoolYear = ? AND state = 'published' AND version < ?
                """, arguments: key.arguments + [version])
        return TrainingPlanPublished(
            academy: key.academy, district: key.district, schoolYear: key.schoolYear, version: version,
            supersedesVersion: previous, answers: answers, assignments: assignments, actorID: actor, occurredAt: date)
    }

    private static func encode(_ lines: [TrainingPlanFile.Line]) throws -> String {
        String(decoding: try EventCoding.encode(lines), as: UTF8.self)
    }

    private static func decode(_ text: String) throws -> [TrainingPlanFile.Line] {
        try EventCoding.decode([TrainingPlanFile.Line].self, from: Data(text.utf8))
    }
}
