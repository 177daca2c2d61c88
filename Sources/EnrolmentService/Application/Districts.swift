import Contracts
import Foundation
import GRDB

// MARK: - Districts: the needs diagnosis and the coverage of the obligation (issue 16, first slice)

extension EnrolmentApplication {
    /// The diagnosis as stored, with who last replaced it and when.
    public struct StoredDiagnosis: Codable, Sendable, Equatable {
        public let academy: String
        public let district: String
        public let schoolYear: SchoolYear
        public let needs: [NeedsDiagnosis.Need]
        public let updatedBy: String?
        public let updatedAt: Date?
    }

    /// Replaces the district's diagnosis for the year, as a whole, in one transaction.
    func replaceNeeds(
        _ diagnosis: NeedsDiagnosis, academy: String, district: String, schoolYear: SchoolYear, actor: String
    ) async throws -> StoredDiagnosis {
        let date = store.timestamp
        return try await store.write { db in
            let key: StatementArguments = [academy, district, schoolYear.startYear]
            try db.execute(
                sql: "DELETE FROM districtNeed WHERE academy = ? AND district = ? AND schoolYear = ?", arguments: key)
            for need in diagnosis.needs {
                try db.execute(
                    sql: """
                        INSERT INTO districtNeed (academy, district, schoolYear, line, theme, domain, priority, teacherID,
                                                  hoursWished, school, cycle)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: key + [
                        need.line, need.theme, need.domain, need.priority, need.teacherID, need.hoursWished,
                        need.school, need.cycle,
                    ])
            }
            try db.execute(
                sql: """
                    INSERT INTO districtDiagnosis (academy, district, schoolYear, updatedBy, updatedAt) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (academy, district, schoolYear) DO UPDATE SET updatedBy = excluded.updatedBy,
                        updatedAt = excluded.updatedAt
                    """, arguments: key + [actor, date])
            return try Self.diagnosis(academy: academy, district: district, schoolYear: schoolYear, db)
        }
    }

    /// The district's diagnosis for the year (empty when none was ever given).
    func needs(academy: String, district: String, schoolYear: SchoolYear) async throws -> StoredDiagnosis {
        try await store.read { db in
            try Self.diagnosis(academy: academy, district: district, schoolYear: schoolYear, db)
        }
    }

    /// Which teachers and themes a coverage report keeps: those of a school, a cycle, a theme, short or not.
    public struct CoverageFilter: Sendable, Equatable {
        public var school: String?
        public var cycle: String?
        public var theme: String?
        public var short: Bool?

        public init(school: String? = nil, cycle: String? = nil, theme: String? = nil, short: Bool? = nil) {
            self.school = school
            self.cycle = cycle
            self.theme = theme
            self.short = short
        }

        /// Whether the filter keeps `teacher`, whose lines of the diagnosis are `needs`.
        func keeps(_ teacher: DistrictCoverage.Teacher, needs: [NeedsDiagnosis.Need]) -> Bool {
            (school == nil || teacher.school == school) && (cycle == nil || teacher.cycle == cycle)
                && (theme == nil || needs.contains { $0.theme == theme }) && (short == nil || teacher.short == short)
        }
    }

    /// Where the district's teachers stand against the obligation, from what the service already keeps: completed
    /// trainings (done) and seats held in the year's sessions not completed yet (planned); the teachers and themes
    /// `filter` keeps.
    func coverage(
        academy: String, district: String, schoolYear: SchoolYear, filter: CoverageFilter = .init()
    ) async throws -> DistrictCoverage {
        try await store.read { db in
            let diagnosis = NeedsDiagnosis(
                needs: try Self.diagnosis(academy: academy, district: district, schoolYear: schoolYear, db).needs)
            let plan: StoredPlan<TrainingPlanFile.Line>? = try Self.latestPublished(
                PlanKey(academy: academy, district: district, schoolYear: schoolYear), db)
            var teachers: [DistrictCoverage.Teacher] = []
            for teacher in diagnosis.teachers {
                var done = (distance: 0, inPerson: 0)
                for text in try String.fetchAll(
                    db, sql: "SELECT record FROM completedTraining WHERE participantID = ? AND schoolYear = ?",
                    arguments: [teacher, schoolYear.startYear])
                {
                    let training = try EventCoding.decode(CompletedTraining.self, from: Data(text.utf8))
                    done.distance += training.distanceMinutes
                    done.inPerson += training.inPersonMinutes
                }
                var planned = (distance: 0, inPerson: 0)
                let held = try Session.fetchAll(
                    db,
                    sql: """
                        SELECT s.* FROM enrolment e JOIN session s ON s.id = e.sessionID
                        WHERE e.participantID = ? AND e.state IN ('approved', 'designated') AND s.state != 'cancelled'
                        """, arguments: [teacher])
                for session in held where SchoolYear.containing(session.calendar.startsAt) == schoolYear {
                    if let version = try EnrolmentStore.courseVersion(session.course, in: db) {
                        planned.distance += version.distanceMinutes
                        planned.inPerson += version.inPersonMinutes
                    }
                }
                var row = DistrictCoverage.Teacher(
                    teacherID: teacher, done: done, planned: planned,
                    assigned: try Self.assigned(teacher, by: plan?.lines ?? [], db))
                let needs = diagnosis.needs.filter { $0.teacherID == teacher }
                row.school = needs.lazy.compactMap(\.school).first
                row.cycle = needs.lazy.compactMap(\.cycle).first
                if filter.keeps(row, needs: needs) { teachers.append(row) }
            }
            var sessions: [(id: String, domain: String, capacity: Int)] = []
            for session in try Session.filter(
                sql: "academy = ? AND district = ? AND state != 'cancelled'", arguments: [academy, district]
            ).order(Session.Columns.id).fetchAll(db)
            where SchoolYear.containing(session.calendar.startsAt) == schoolYear {
                if let domain = try EnrolmentStore.courseVersion(session.course, in: db)?.domain {
                    sessions.append((session.id, domain, session.capacity))
                }
            }
            return DistrictCoverage(
                academy: academy, district: district, schoolYear: schoolYear, teachers: teachers,
                themes: DistrictCoverage.themes(of: diagnosis, sessions: sessions).filter {
                    filter.theme == nil || $0.theme == filter.theme
                }, planVersion: plan?.version)
        }
    }

    /// The sessions a published plan assigns `teacher` to, and the minutes of those they hold no seat in and have not
    /// completed yet (cancelled sessions bring nothing).
    private static func assigned(
        _ teacher: String, by lines: [TrainingPlanFile.Line], _ db: Database
    ) throws -> (sessionIDs: [String], distance: Int, inPerson: Int) {
        var assigned: (sessionIDs: [String], distance: Int, inPerson: Int) = ([], 0, 0)
        for line in lines where line.teacherID == teacher && !assigned.sessionIDs.contains(line.sessionID) {
            assigned.sessionIDs.append(line.sessionID)
            let held =
                try Bool.fetchOne(
                    db,
                    sql: """
                        SELECT EXISTS (SELECT 1 FROM enrolment WHERE sessionID = ? AND participantID = ?
                                       AND state IN ('approved', 'designated', 'completed'))
                        """, arguments: [line.sessionID, teacher]) ?? false
            guard !held, let session = try Session.fetchOne(db, key: line.sessionID), session.state != .cancelled,
                let version = try EnrolmentStore.courseVersion(session.course, in: db)
            else { continue }
            assigned.distance += version.distanceMinutes
            assigned.inPerson += version.inPersonMinutes
        }
        return assigned
    }

    static func diagnosis(
        academy: String, district: String, schoolYear: SchoolYear, _ db: Database
    ) throws -> StoredDiagnosis {
        let key: StatementArguments = [academy, district, schoolYear.startYear]
        let needs = try Row.fetchAll(
            db,
            sql: """
                SELECT line, theme, domain, priority, teacherID, hoursWished, school, cycle FROM districtNeed
                WHERE academy = ? AND district = ? AND schoolYear = ? ORDER BY line
                """, arguments: key
        ).map { row in
            NeedsDiagnosis.Need(
                line: row["line"], theme: row["theme"], domain: row["domain"], priority: row["priority"],
                teacherID: row["teacherID"], hoursWished: row["hoursWished"], school: row["school"], cycle: row["cycle"]
            )
        }
        let meta = try Row.fetchOne(
            db,
            sql:
                "SELECT updatedBy, updatedAt FROM districtDiagnosis WHERE academy = ? AND district = ? AND schoolYear = ?",
            arguments: key)
        return StoredDiagnosis(
            academy: academy, district: district, schoolYear: schoolYear, needs: needs, updatedBy: meta?["updatedBy"],
            updatedAt: meta?["updatedAt"])
    }
}
