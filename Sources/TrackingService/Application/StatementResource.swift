import Contracts
import Foundation
import GRDB
import Logging
import ServiceSupport

/// The xAPI Statements resource: stores, voids, finds and queries statements, and turns the statements
/// that describe progress into progress, through the same commands as the JSON API.
///
/// Where statements live: in the store of their registration's session (the registration is the
/// enrolment id) when tracking knows the enrolment; a voiding statement beside the statement it voids;
/// any other statement in the store of partition 0. Queries read every store and merge by stored time.
///
/// Progress effects (verbs `completed`, `passed`, `failed`, `progressed`, `attended`; object id of the
/// ``XAPIVocabulary`` scheme; actor the enrolment's participant, as their platform account): the statement
/// becomes a progress report whose id is `xapi:<statement id>` (so re-sending it changes nothing),
/// `result.duration` the time spent, `result.score.scaled` a quiz score, the statement's `timestamp` the
/// time. `attended` on a meeting or virtual class records presence unless a trainer already recorded the
/// attendance. When tracking refuses the effect (withdrawn enrolment, unknown activity, another actor…)
/// the statement is still stored — an LRS keeps what it is sent — but progress does not change. A report
/// out of bounds (a duration over 8 h) rejects the statement (400). Voiding a statement does not undo the
/// progress it caused: progress accumulates facts.
///
/// Who may send and read which statements: ``StatementScope``.
final class StatementResource: Sendable {
    let application: TrackingApplication
    let basePath: String
    let logger: Logger

    init(application: TrackingApplication, basePath: String, logger: Logger) {
        self.application = application
        self.basePath = basePath
        self.logger = logger
    }

    private var stores: TrackingStores { application.stores }

    // MARK: - Writing

    /// Stores statements sent by `scope`'s caller (all or nothing within a store); returns their ids, in
    /// order. Every statement is authorised (``StatementScope``) before anything is written: one the caller
    /// may not send refuses the whole request (403).
    /// An attachment's content, as a multipart/mixed request carries it.
    struct Attachment: Sendable {
        var sha2: String
        var contentType: String
        var content: Data
    }

    func store(
        _ values: [JSONValue], statementID fixedID: String? = nil, attachments: [String: Attachment] = [:],
        by scope: StatementScope
    ) async throws
        -> [String]
    {
        let stored = Timestamp.truncated(Date())
        let sender = scope.caller.subject
        var statements: [XAPIStatement] = []
        for (index, value) in values.enumerated() {
            do {
                statements.append(try XAPIStatement(value, id: fixedID, stored: stored, authority: sender))
            } catch {
                let prefix = values.count > 1 ? "[\(index)]" : ""
                throw XAPIProblem.invalid(prefix + (error.field.isEmpty ? "" : ".\(error.field)"), error.problem)
            }
        }
        guard Set(statements.map(\.id)).count == statements.count else {
            throw XAPIProblem.invalid("id", "a batch must not repeat a statement id")
        }
        try Self.check(attachments, of: statements)
        var groups: [(store: PartitionStore, items: [(XAPIStatement, String?)])] = []
        // A batch usually comes from one learner's tool: each registration is read once per request.
        var registrations: [String: StatementScope.Registration?] = [:]
        for (index, statement) in statements.enumerated() {
            let label = statements.count > 1 ? "statement [\(index)]: " : ""
            let sessionID = try await statement.registration.asyncFlatMap { try await stores.locate(enrolmentID: $0) }
            var registration: StatementScope.Registration?
            if let sessionID, let enrolmentID = statement.registration {
                if let known = registrations[enrolmentID] {
                    registration = known
                } else {
                    registration = try await self.registration(statement, in: sessionID)
                    registrations[enrolmentID] = registration
                }
            }
            try scope.authoriseSending(statement, registration: registration, label: label)
            if statement.describesProgress {
                // Stored now, it would have no effect and its resend would be a no-op: the progress lost for
                // good. Refused instead, nothing stored, until the enrolment's events have reached tracking.
                guard let sessionID, registration != nil else {
                    throw XAPIProblem.notYetKnown(
                        "\(label)registration \(statement.registration ?? "") is not an enrolment tracking has received"
                    )
                }
                guard let course = registration?.session?.course,
                    try await knowsCoursePlan(course, ofSession: sessionID)
                else {
                    throw XAPIProblem.notYetKnown(
                        "\(label)the course version of registration \(statement.registration ?? "")'s session has not "
                            + "reached tracking")
                }
            }
            var store = try sessionID.map { try stores.store(forSession: $0) } ?? stores.all[0]
            if let target = statement.voidedStatementID, let (holder, stored) = try await storedStatement(target) {
                try scope.authoriseVoiding(target, target: stored, label: label)
                store = holder
            }
            if let index = groups.firstIndex(where: { $0.store === store }) {
                groups[index].items.append((statement, sessionID))
            } else {
                groups.append((store, [(statement, sessionID)]))
            }
        }
        for group in groups {
            let items = group.items
            let tracker = application.tracker
            let logger = logger
            let plans = group.store.plans
            try await group.store.write { db in
                for (statement, _) in items {
                    for (sha2, _, _) in statement.attachments {
                        guard let attachment = attachments[sha2] else { continue }
                        try db.execute(
                            sql: "INSERT OR IGNORE INTO xapi_attachment (sha2, content_type, content) VALUES (?, ?, ?)",
                            arguments: [sha2, attachment.contentType, attachment.content])
                    }
                }
                // The batch's reports about one enrolment are recomputed together (see ProgressCommand.Batch).
                let command = ProgressCommand(tracker: tracker, plans: plans)
                var batch = ProgressCommand.Batch()
                for (statement, sessionID) in items {
                    // A statement already stored (same content) is a no-op: no second effect.
                    guard try Self.insert(statement, sessionID: sessionID, db) else { continue }
                    if let target = statement.voidedStatementID {
                        try command.finish(&batch, now: stored, in: db)
                        try VoidedProgress(tracker: tracker, plans: plans).takeBack(
                            statementID: target, voidedBy: sender, now: stored, in: db)
                    } else if let sessionID {
                        try Self.applyProgress(
                            statement, sessionID: sessionID, senderID: sender, command: command, batch: &batch,
                            now: stored, logger: logger, db)
                    }
                }
                try command.finish(&batch, now: stored, in: db)
            }
        }
        return statements.map(\.id)
    }

    /// Every attachment without a `fileUrl` comes as a part, and every part is an attachment of a statement.
    private static func check(_ attachments: [String: Attachment], of statements: [XAPIStatement]) throws {
        var referenced: Set<String> = []
        for (index, statement) in statements.enumerated() {
            for (position, attachment) in statement.attachments.enumerated() {
                referenced.insert(attachment.sha2)
                if attachment.needsPart, attachments[attachment.sha2] == nil {
                    let prefix = statements.count > 1 ? "[\(index)]." : ""
                    throw XAPIProblem.invalid(
                        "\(prefix)attachments[\(position)]",
                        "no fileUrl and no part whose X-Experience-API-Hash is its sha2: send it as multipart/mixed")
                }
            }
        }
        if let stray = attachments.keys.sorted().first(where: { !referenced.contains($0) }) {
            throw XAPIProblem.invalid("", "a part (X-Experience-API-Hash \(stray)) is no statement's attachment")
        }
    }

    /// The attachments this LRS holds among `hashes`, in that order.
    func attachments(_ hashes: [String]) async throws -> [Attachment] {
        var found: [String: Attachment] = [:]
        for store in stores.all {
            let missing = hashes.filter { found[$0] == nil }
            guard !missing.isEmpty else { break }
            for start in stride(from: 0, to: missing.count, by: 200) {
                let chunk = Array(missing[start..<min(start + 200, missing.count)])
                let rows = try await store.read { db in
                    try Row.fetchAll(
                        db,
                        sql: """
                            SELECT sha2, content_type, content FROM xapi_attachment
                            WHERE sha2 IN (\(databaseQuestionMarks(count: chunk.count)))
                            """, arguments: StatementArguments(chunk)
                    ).map { Attachment(sha2: $0["sha2"], contentType: $0["content_type"], content: $0["content"]) }
                }
                for attachment in rows { found[attachment.sha2] = attachment }
            }
        }
        return hashes.compactMap { found[$0] }
    }

    /// What tracking knows of the statement's registration, an enrolment of `sessionID`.
    private func registration(
        _ statement: XAPIStatement, in sessionID: String
    ) async throws
        -> StatementScope.Registration?
    {
        guard let enrolmentID = statement.registration else { return nil }
        return try await stores.store(forSession: sessionID).read { db in
            guard let enrolment = try EnrolmentRow.fetch(sessionID, enrolmentID, db) else { return nil }
            return StatementScope.Registration(enrolment: enrolment, session: try SessionRow.fetch(sessionID, db))
        }
    }

    /// Whether tracking holds the course version a session pins (progress is checked against it): from memory
    /// once it has been read, without a second read of the session the registration already loaded.
    private func knowsCoursePlan(_ course: CourseVersionRef, ofSession sessionID: String) async throws -> Bool {
        let store = try stores.store(forSession: sessionID)
        let plans = store.plans
        if plans.cached(course) != nil { return true }
        return try await store.read { db in try plans.plan(course, db) != nil }
    }

    /// Inserts a new statement (returns true), accepts an identical one as a no-op (false), refuses a
    /// different one under the same id (409).
    private static func insert(_ statement: XAPIStatement, sessionID: String?, _ db: Database) throws -> Bool {
        if let existing = try String.fetchOne(
            db, sql: "SELECT fingerprint FROM xapi_statement WHERE statement_id = ?", arguments: [statement.id])
        {
            guard existing == statement.fingerprint else {
                throw XAPIProblem.conflict("statement \(statement.id) exists with different content")
            }
            return false
        }
        if let target = statement.voidedStatementID {
            if let verb = try String.fetchOne(
                db, sql: "SELECT verb_id FROM xapi_statement WHERE statement_id = ?", arguments: [target]),
                verb == XAPIVocabulary.Verb.voided.rawValue
            {
                throw XAPIProblem.invalid("object.id", "a voiding statement cannot be voided")
            }
            try db.execute(sql: "UPDATE xapi_statement SET voided = 1 WHERE statement_id = ?", arguments: [target])
        }
        try db.execute(
            sql: """
                INSERT INTO xapi_statement (statement_id, session_id, registration, actor_key, verb_id, object_id,
                    voided_statement_id, stored_ms, fingerprint, body)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                statement.id, sessionID, statement.registration, statement.actorKey, statement.verbID,
                statement.objectActivityID, statement.voidedStatementID,
                Int64((statement.stored.timeIntervalSince1970 * 1000).rounded()), statement.fingerprint,
                try statement.document.canonicalText(),
            ])
        return true
    }

    /// Applies a new statement's progress effect, if it has one and tracking accepts it: the statement must
    /// be about an activity of the session's course, and its actor must be the enrolment's participant
    /// (whoever sent it: the participant, or a trainer or tutor of the session for them).
    private static func applyProgress(
        _ statement: XAPIStatement, sessionID: String, senderID: String, command: ProgressCommand,
        batch: inout ProgressCommand.Batch, now: Date, logger: Logger, _ db: Database
    ) throws {
        guard let verb = XAPIVocabulary.Verb(rawValue: statement.verbID), verb != .voided,
            let iri = statement.objectActivityID, let target = XAPIVocabulary.activity(fromIRI: iri),
            let enrolmentID = statement.registration
        else { return }
        do {
            guard let (enrolment, session) = try batch.rows(session: sessionID, enrolment: enrolmentID, db),
                session.course.courseID == target.courseID,
                let plan = try command.plans.plan(session.course, db),
                let activity = plan.activities.first(where: { $0.id == target.activityID })
            else { return }
            guard statement.actorKey == XAPIStatement.agentKey(ofSubject: enrolment.participantID) else {
                throw TrackingError.forbidden("the statement's actor is not the enrolment's participant")
            }
            let isQuiz = activity.kind == .selfAssessmentQuiz
            let isMeeting = CompletionRules.isAttendanceBased(activity.kind)
            if verb == .attended, isMeeting {
                let sheet = AttendanceSheet(
                    activityID: activity.id, entries: [.init(enrolmentID: enrolmentID, status: .present)],
                    recordedAt: min(statement.timestamp, now))
                try command.finish(&batch, now: now, in: db)
                _ = try AttendanceCommand(tracker: command.tracker, plans: command.plans).run(
                    sheet, sessionID: sessionID, by: .selfDeclared(senderID: senderID), now: now, in: db)
                return
            }
            // Bounded before it is converted: a duration is at most 100 years (parser), a report at most 8 hours.
            let seconds = statement.result?["duration"]?.string.flatMap(XAPIStatement.seconds(ofDuration:))
            if let seconds, seconds > Double(ProgressRecord.maximumSeconds) {
                throw XAPIProblem.invalid(
                    "result.duration",
                    "must be at most \(ProgressRecord.maximumSeconds) seconds (8 hours) per statement")
            }
            let scaled = statement.result?["score"]?["scaled"]?.number
            // A score counts for quizzes and activities with a pass threshold; `passed` declares such an activity
            // passed, not completed (its moveOn may need both).
            let scored = isQuiz || activity.passThreshold != nil
            let declaresDone = verb == .completed || verb == .attended || (verb == .passed && !scored)
            let record = ProgressRecord(
                id: "xapi:\(statement.id)", activityID: activity.id,
                timeSpentSeconds: seconds.flatMap { Int(exactly: $0.rounded()) },
                completed: declaresDone && !isQuiz && !isMeeting ? true : nil,
                score: scored && verb != .progressed ? scaled.flatMap { (0...1).contains($0) ? $0 : nil } : nil,
                occurredAt: min(statement.timestamp, now))
            if let violation = record.violations(now: now).first {
                throw XAPIProblem.invalid(
                    violation.field == "timeSpentSeconds" ? "result.duration" : violation.field, violation.problem)
            }
            _ = try command.add(
                record, enrolmentID: enrolmentID, sessionID: sessionID, participantID: enrolment.participantID,
                senderID: senderID, now: now, to: &batch, in: db)
        } catch let error as TrackingError {
            logger.info(
                "xAPI statement stored without progress effect",
                metadata: ["xapi.statement.id": "\(statement.id)", "reason": "\(error)"])
        }
    }

    /// The store holding a statement, and who sent it under which session (for voiding it).
    private func storedStatement(_ statementID: String) async throws -> (PartitionStore, StatementScope.Target)? {
        for store in stores.all {
            let found = try await store.read { db -> (actorKey: String?, sessionID: String?)? in
                try Row.fetchOne(
                    db, sql: "SELECT actor_key, session_id FROM xapi_statement WHERE statement_id = ?",
                    arguments: [statementID]
                ).map { ($0["actor_key"], $0["session_id"]) }
            }
            if let found {
                return (
                    store, StatementScope.Target(actorKey: found.actorKey, session: try await session(found.sessionID))
                )
            }
        }
        return nil
    }

    /// The session a statement was stored under, if any.
    private func session(_ sessionID: String?) async throws -> SessionRow? {
        guard let sessionID else { return nil }
        return try await stores.store(forSession: sessionID).read { db in try SessionRow.fetch(sessionID, db) }
    }

    // MARK: - Reading

    /// A statement's stored JSON, by id: not voided (`voided` false) or voided (`voided` true); nil when there
    /// is none, 403 when the caller may not read it (``StatementScope/mayRead(actorKey:session:)``).
    func statement(id: String, voided: Bool, for scope: StatementScope) async throws -> String? {
        for store in stores.all {
            let found = try await store.read { db -> (body: String, actorKey: String?, sessionID: String?)? in
                try Row.fetchOne(
                    db,
                    sql: "SELECT body, actor_key, session_id FROM xapi_statement WHERE statement_id = ? AND voided = ?",
                    arguments: [id.lowercased(), voided]
                ).map { ($0["body"], $0["actor_key"], $0["session_id"]) }
            }
            guard let found else { continue }
            guard scope.mayRead(actorKey: found.actorKey, session: try await session(found.sessionID)) else {
                throw Problem.forbidden(
                    "statement \(id) is visible to its actor and to the trainers, tutors and managers who follow its session"
                )
            }
            return found.body
        }
        return nil
    }

    /// A page of the statements the caller may read that match the query (voided ones excluded), and the
    /// position after it if more remain.
    func query(
        _ query: StatementQuery, for scope: StatementScope
    ) async throws
        -> (bodies: [String], next: StatementQuery.Position?)
    {
        let limit = query.limit == 0 ? StatementQuery.maximumLimit : min(query.limit, StatementQuery.maximumLimit)
        let visible = scope.visibleRows
        var conditions = ["voided = 0", visible.sql]
        var arguments: [any DatabaseValueConvertible] = visible.arguments
        func add(_ condition: String, _ value: (any DatabaseValueConvertible)?) {
            guard let value else { return }
            conditions.append(condition)
            arguments.append(value)
        }
        add("actor_key = ?", query.agentKey)
        add("verb_id = ?", query.verbID)
        add("object_id = ?", query.activityID)
        add("registration = ?", query.registration)
        add("stored_ms > ?", query.sinceMs)
        add("stored_ms <= ?", query.untilMs)
        if let after = query.after {
            conditions.append(
                query.ascending ? "(stored_ms, statement_id) > (?, ?)" : "(stored_ms, statement_id) < (?, ?)")
            arguments.append(after.storedMs)
            arguments.append(after.statementID)
        }
        let order = query.ascending ? "ASC" : "DESC"
        let sql = """
            SELECT stored_ms, statement_id, body FROM xapi_statement WHERE \(conditions.joined(separator: " AND "))
            ORDER BY stored_ms \(order), statement_id \(order) LIMIT \(limit + 1)
            """
        let bound = StatementArguments(arguments.map(\.databaseValue))
        var rows: [(Int64, String, String)] = []
        for store in stores.all {
            rows += try await store.read { db in
                try Row.fetchAll(db, sql: sql, arguments: bound).map {
                    ($0["stored_ms"], $0["statement_id"], $0["body"])
                }
            }
        }
        rows.sort { query.ascending ? ($0.0, $0.1) < ($1.0, $1.1) : ($0.0, $0.1) > ($1.0, $1.1) }
        let page = Array(rows.prefix(limit))
        let next =
            rows.count > limit ? page.last.map { StatementQuery.Position(storedMs: $0.0, statementID: $0.1) } : nil
        return (page.map(\.2), next)
    }
}

extension Optional {
    fileprivate func asyncFlatMap<U>(_ transform: (Wrapped) async throws -> U?) async rethrows -> U? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
