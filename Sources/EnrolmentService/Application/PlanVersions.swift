import Contracts
import Foundation
import GRDB
import Messaging

// MARK: - Training plans in versions (issue 16): the mechanics shared by a district's plan and the academy's PAF

/// What differs between a district's plan (primary: answers to the needs diagnosis) and the academy's plan (PAF,
/// secondary: its modules): how the lines are checked against the store, what a version shows, what publishing it
/// announces. The versions themselves — a draft changed as a whole in revisions, published once and never changed
/// again, superseded by the next — are ``EnrolmentApplication``'s, the same for both.
protocol PlanKind {
    associatedtype Line: Codable & Sendable
    associatedtype Version: Encodable & Sendable
    associatedtype Announcement: DomainEvent

    /// Checks the lines against the diagnosis, the sessions… as they are now (throws ``DistrictFileRejected`` naming
    /// every bad line, or ``TrainingPlanConflict``).
    static func check(_ lines: [Line], _ key: EnrolmentApplication.PlanKey, _ db: Database) throws
    /// A stored version as the API shows it.
    static func view(_ plan: StoredPlan<Line>, _ key: EnrolmentApplication.PlanKey, _ db: Database) throws -> Version
    /// The event announcing a version just published (its `publishedBy` and `publishedAt` are set).
    static func announcement(
        _ plan: StoredPlan<Line>, _ key: EnrolmentApplication.PlanKey, supersedes: Int?, _ db: Database
    ) throws -> Announcement
    /// The session a line plans and the teacher it plans into it, if any.
    static func assignment(_ line: Line) -> (sessionID: String, teacherID: String?)
    /// What a version answers that may change after it is published (a district's themes), frozen at publication:
    /// its ``view(_:_:_:)`` reads it from ``StoredPlan/snapshot`` from then on.
    static func snapshot(_ key: EnrolmentApplication.PlanKey, _ db: Database) throws -> String?
}

/// A version of a plan as stored.
struct StoredPlan<Line: Codable & Sendable>: Sendable {
    let version: Int
    let state: TrainingPlanVersion.State
    let revision: Int
    let lines: [Line]
    let updatedBy: String
    let updatedAt: Date
    let publishedBy: String?
    let publishedAt: Date?
    /// What the kind froze at publication (``PlanKind/snapshot(_:_:)``), nil for a draft.
    let snapshot: String?
}

extension EnrolmentApplication {
    /// Where a plan belongs: an academy's district (its plan), or the academy itself (`district` nil: its PAF), and a
    /// school year. The academy's plan is stored under the empty district name, which no district can have.
    public struct PlanKey: Sendable, Equatable {
        public let academy: String
        public let district: String?
        public let schoolYear: SchoolYear

        var arguments: StatementArguments { [academy, district ?? "", schoolYear.startYear] }
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
        public let district: String?
        public let schoolYear: SchoolYear
        public let version: Int
        public let sessions: [SessionOutcome]
    }

    /// Writes version `version` of the plan as a draft: the next version only (published versions never change),
    /// checked against the store in the same transaction. Each write is a new revision of the draft.
    func writePlan<Kind: PlanKind>(
        _ kind: Kind.Type, _ lines: [Kind.Line], _ key: PlanKey, version: Int, expectedRevision: Int?, actor: String
    ) async throws -> Kind.Version {
        let date = store.timestamp
        return try await store.write { db in
            if let stored: StoredPlan<Kind.Line> = try Self.storedPlan(key, version: version, db) {
                guard stored.state == .draft else { throw TrainingPlanConflict.published(version: version) }
                try Self.require(expectedRevision, matches: stored.revision)
            } else {
                // One draft at a time, after the latest published version: versions are published in order.
                let next = (try Self.latestPublishedVersion(key, db) ?? 0) + 1
                guard version == next else { throw TrainingPlanConflict.notNext(version: version, next: next) }
            }
            try Kind.check(lines, key, db)
            try db.execute(
                sql: """
                    INSERT INTO trainingPlan (academy, district, schoolYear, version, state, revision, lines, updatedBy,
                                              updatedAt)
                    VALUES (?, ?, ?, ?, 'draft', 1, ?, ?, ?)
                    ON CONFLICT (academy, district, schoolYear, version) DO UPDATE SET revision = revision + 1,
                        lines = excluded.lines, updatedBy = excluded.updatedBy, updatedAt = excluded.updatedAt
                    """,
                arguments: key.arguments + [
                    version, String(decoding: try EventCoding.encode(lines), as: UTF8.self), actor, date,
                ])
            return try Kind.view(try Self.storedPlan(key, version: version, db)!, key, db)
        }
    }

    /// Publishes the draft `version`, checked again against the store as it is now, and announces it in the same
    /// transaction.
    func publishPlan<Kind: PlanKind>(
        _ kind: Kind.Type, _ key: PlanKey, version: Int, expectedRevision: Int?, actor: String
    ) async throws -> Kind.Version {
        let date = store.timestamp
        return try await store.write { db in
            let draft: StoredPlan<Kind.Line> = try Self.requirePlan(key, version: version, db)
            guard draft.state == .draft else { throw TrainingPlanConflict.published(version: version) }
            if let later = try Self.latestPublishedVersion(key, db), later > version {
                throw TrainingPlanConflict.superseded(version: version, by: later)
            }
            try Self.require(expectedRevision, matches: draft.revision)
            try Kind.check(draft.lines, key, db)
            try db.execute(
                sql: """
                    UPDATE trainingPlan SET state = 'published', publishedBy = ?, publishedAt = ?, snapshot = ?
                    WHERE academy = ? AND district = ? AND schoolYear = ? AND version = ?
                    """, arguments: [actor, date, try Kind.snapshot(key, db)] + key.arguments + [version])
            let published: StoredPlan<Kind.Line> = try Self.requirePlan(key, version: version, db)
            let previous = try Int.fetchOne(
                db,
                sql: """
                    SELECT MAX(version) FROM trainingPlan
                    WHERE academy = ? AND district = ? AND schoolYear = ? AND state = 'published' AND version < ?
                    """, arguments: key.arguments + [version])
            try Outbox.append(try Kind.announcement(published, key, supersedes: previous, db), time: date, in: db)
            return try Kind.view(published, key, db)
        }
    }

    /// Every version of the plan, newest first.
    func plans<Kind: PlanKind>(_ kind: Kind.Type, _ key: PlanKey) async throws -> [Kind.Version] {
        try await store.read { db in
            let versions = try Int.fetchAll(
                db,
                sql: """
                    SELECT version FROM trainingPlan WHERE academy = ? AND district = ? AND schoolYear = ?
                    ORDER BY version DESC
                    """, arguments: key.arguments)
            return try versions.map { version in
                try Kind.view(try Self.requirePlan(key, version: version, db), key, db)
            }
        }
    }

    /// One version of the plan.
    func plan<Kind: PlanKind>(_ kind: Kind.Type, _ key: PlanKey, version: Int) async throws -> Kind.Version {
        try await store.read { db in try Kind.view(try Self.requirePlan(key, version: version, db), key, db) }
    }

    /// Designates, through the designation path, the teachers a published version plans into each of its sessions:
    /// one transaction per session; teachers already enrolled are left as they are (running it again designates
    /// nobody twice); a session that takes no designation now is reported, not an error.
    func designate<Kind: PlanKind>(
        _ kind: Kind.Type, fromPlan key: PlanKey, version: Int, actor: String
    ) async throws -> PlanDesignations {
        let (plan, latest): (StoredPlan<Kind.Line>, Int?) = try await store.read { db in
            (try Self.requirePlan(key, version: version, db), try Self.latestPublishedVersion(key, db))
        }
        guard plan.state == .published else { throw TrainingPlanConflict.notPublished(version: version) }
        if let latest, latest > version { throw TrainingPlanConflict.superseded(version: version, by: latest) }
        var sessions: [String] = []
        var teachers: [String: [String]] = [:]
        for case let (sessionID, teacher?) in plan.lines.map(Kind.assignment) {
            if teachers[sessionID] == nil { sessions.append(sessionID) }
            teachers[sessionID, default: []].append(teacher)
        }
        let date = store.timestamp
        var outcomes: [PlanDesignations.SessionOutcome] = []
        for sessionID in sessions {
            let planned = teachers[sessionID] ?? []
            outcomes.append(
                try await store.write { db in
                    try Self.designate(planned, into: sessionID, actor: actor, at: date, db)
                })
        }
        return PlanDesignations(
            academy: key.academy, district: key.district, schoolYear: key.schoolYear, version: version,
            sessions: outcomes)
    }

    /// The latest published version of the plan, if any.
    static func latestPublished<Line: Codable & Sendable>(_ key: PlanKey, _ db: Database) throws -> StoredPlan<Line>? {
        guard let version = try latestPublishedVersion(key, db) else { return nil }
        return try storedPlan(key, version: version, db)
    }

    /// A session of a plan as its announcement shows it: the course version it runs, its start, its minutes.
    static func plannedSession(_ id: String, _ db: Database) throws -> TrainingPlanPublished.PlannedSession {
        let session = try EnrolmentStore.session(id, in: db)
        let course = try EnrolmentStore.courseVersion(session.course, in: db)
        return .init(
            sessionID: id, course: session.course, startsAt: session.calendar.startsAt,
            distanceMinutes: course?.distanceMinutes ?? 0, inPersonMinutes: course?.inPersonMinutes ?? 0)
    }

    /// What a plan's check needs to know of each session it names (those the store knows).
    static func plannableSessions(_ ids: [String], _ db: Database) throws -> [String: PlannableSession] {
        var sessions: [String: PlannableSession] = [:]
        for id in ids {
            guard let session = try Session.fetchOne(db, key: id) else { continue }
            sessions[id] = .init(
                id: id, academy: session.academy, district: session.district, pafModule: session.pafModule,
                schoolLevel: session.schoolLevel, cancelled: session.state == .cancelled,
                schoolYear: SchoolYear.containing(session.calendar.startsAt), capacity: session.capacity)
        }
        return sessions
    }

    // MARK: - Inside a transaction

    private static func designate(
        _ teachers: [String], into sessionID: String, actor: String, at date: Date, _ db: Database
    ) throws -> PlanDesignations.SessionOutcome {
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
    }

    private static func require(_ expected: Int?, matches revision: Int) throws {
        if let expected, expected != revision { throw TrainingPlanConflict.revisionMismatch(current: revision) }
    }

    private static func latestPublishedVersion(_ key: PlanKey, _ db: Database) throws -> Int? {
        try Int.fetchOne(
            db,
            sql: """
                SELECT MAX(version) FROM trainingPlan
                WHERE academy = ? AND district = ? AND schoolYear = ? AND state = 'published'
                """, arguments: key.arguments)
    }

    private static func requirePlan<Line: Codable & Sendable>(
        _ key: PlanKey, version: Int, _ db: Database
    ) throws -> StoredPlan<Line> {
        guard let plan: StoredPlan<Line> = try storedPlan(key, version: version, db) else {
            throw EnrolmentFailure.notFound(what: "Training plan version", id: "\(version)")
        }
        return plan
    }

    private static func storedPlan<Line: Codable & Sendable>(
        _ key: PlanKey, version: Int, _ db: Database
    ) throws -> StoredPlan<Line>? {
        guard
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT * FROM trainingPlan WHERE academy = ? AND district = ? AND schoolYear = ? AND version = ?
                    """, arguments: key.arguments + [version])
        else { return nil }
        let text: String = row["lines"]
        return StoredPlan(
            version: version, state: TrainingPlanVersion.State(rawValue: row["state"]) ?? .draft,
            revision: row["revision"], lines: try EventCoding.decode([Line].self, from: Data(text.utf8)),
            updatedBy: row["updatedBy"], updatedAt: row["updatedAt"], publishedBy: row["publishedBy"],
            publishedAt: row["publishedAt"], snapshot: row["snapshot"])
    }
}
