import Contracts
import Foundation
import GRDB
import ServiceSupport

/// Tracking's application layer: the commands and queries the HTTP and xAPI adapters call.
///
/// Each command finds the store that owns the session (``TrackingStores``), runs in ONE write
/// transaction there (the change, the recomputed completion and its outbox events commit together) and
/// nudges that store's outbox relay afterwards, so a completion leaves within milliseconds.
///
/// Each takes the verified ``Caller`` and checks its scope (``TrackingScope``) on the loaded session or
/// enrolment before anything changes: an unknown id is 404, someone else's is 403.
public final class TrackingApplication: Sendable {
    public let stores: TrackingStores
    public let rules: CompletionRules
    let now: @Sendable () -> Date
    /// Sends reports for sessions of partitions owned by another instance to their partition's queue; nil: such a
    /// report is refused (421) instead.
    let forwarder: ProgressForwarder?

    public convenience init(
        stores: TrackingStores, rules: CompletionRules = .current, now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.init(stores: stores, rules: rules, now: now, forwarder: nil)
    }

    init(
        stores: TrackingStores, rules: CompletionRules = .current, now: @escaping @Sendable () -> Date = Date.init,
        forwarder: ProgressForwarder?
    ) {
        self.stores = stores
        self.rules = rules
        self.now = now
        self.forwarder = forwarder
    }

    var tracker: CompletionTracker { CompletionTracker(rules: rules) }

    /// The result of a progress report.
    public struct ProgressReceipt: Sendable {
        /// True when the report had been received before: nothing changed.
        public var replayed: Bool
        /// True when this report completed the course.
        public var completedCourse: Bool
        /// The enrolment's progress after the report; nil when the client asked for a minimal answer.
        public var progress: EnrolmentProgressView?
        /// Set when the session's partition is owned by another instance: the report was sent to it through the
        /// broker under this request id, and is decided there (``forwardedOutcome(requestID:enrolmentID:for:)``).
        public var forwardedRequest: String?
    }

    /// The result of an attendance sheet.
    public struct AttendanceReceipt: Codable, Sendable, Equatable {
        public var sessionID: String
        public var activityID: String
        public var recorded: Int
        /// Enrolments whose course this sheet completed.
        public var completedEnrolments: [String]
        /// Enrolments whose completion this sheet revoked (a correction; revised ones are among both lists when
        /// the course is still completed with fewer hours).
        public var revokedEnrolments: [String]
    }

    /// One audited act on a session: who, when, what.
    public struct AuditRecord: Codable, Sendable, Equatable {
        public var recordedAt: Date
        public var actorID: String
        public var action: String
        public var detail: String
    }

    // MARK: - Commands

    /// Records one of the caller's own progress reports (see ``ProgressCommand`` for the checks). Only the
    /// enrolment's participant records progress: trainers and tutors record attendance sheets.
    public func recordProgress(
        enrolmentID: String, record: ProgressRecord, by caller: Caller, withView: Bool = true
    ) async throws
        -> ProgressReceipt
    {
        let now = Timestamp.truncated(self.now())
        let violations = record.violations(now: now)
        guard violations.isEmpty else { throw TrackingError.invalid(violations) }
        let placement = try await stores.requirePlacement(of: enrolmentID)
        let sessionID = placement.sessionID
        let partition = TrackingPartitions.partition(ofSession: sessionID)
        guard stores.owns(partition: partition) else {
            return try await forward(record, placement: placement, by: caller, at: now)
        }
        let store = try stores.store(forPartition: partition)
        let command = ProgressCommand(tracker: tracker, plans: store.plans)
        let rules = rules
        let plans = store.plans
        let outcome = try await store.write { db in
            try command.run(
                record, enrolmentID: enrolmentID, sessionID: sessionID, participantID: caller.subject,
                senderID: caller.subject, now: now, in: db)
        }
        // The answer's view is read after the commit, outside the store's single writer (reads run in
        // parallel): it shows this report and possibly later ones, never less.
        let view =
            withView
            ? try await store.read { db in
                try Self.enrolmentView(sessionID: sessionID, enrolmentID: enrolmentID, rules: rules, plans: plans, db)
            } : nil
        switch outcome {
        case .replayed: return ProgressReceipt(replayed: true, completedCourse: false, progress: view)
        case .recorded(let result):
            return ProgressReceipt(replayed: false, completedCourse: result.newlyCompleted, progress: view)
        }
    }

    /// Sends a report for a session owned by another instance to its partition's queue (confirmed by the broker):
    /// what can be checked here is checked first (the report's fields, whose enrolment it is), the rest by the
    /// owner, who records the outcome under the returned request id.
    private func forward(
        _ record: ProgressRecord, placement: DirectoryRow, by caller: Caller, at now: Date
    ) async throws -> ProgressReceipt {
        guard placement.participantID == caller.subject else {
            throw TrackingError.forbidden(
                "enrolment \(placement.enrolmentID) is another participant's: a participant records their own progress only"
            )
        }
        guard let forwarder else {
            throw TrackingError.notOwned(partition: TrackingPartitions.partition(ofSession: placement.sessionID))
        }
        let requestID = UUID().uuidString.lowercased()
        try await forwarder.forward(
            ProgressForwarded(
                requestID: requestID, enrolmentID: placement.enrolmentID, sessionID: placement.sessionID,
                participantID: caller.subject, record: record, acceptedAt: now))
        return ProgressReceipt(replayed: false, completedCourse: false, progress: nil, forwardedRequest: requestID)
    }

    /// Records a report forwarded by another instance, as if it had been posted here, and keeps its outcome.
    /// A refusal is an outcome, not a failure of the message; a partition not owned here (a misrouted message, or
    /// one that arrived while partitions moved) is a failure: retried, then parked.
    func applyForwarded(_ command: ProgressForwarded) async throws {
        let caller = Caller(subject: command.participantID, roles: [.participant])
        var outcome = ForwardedOutcome(requestID: command.requestID, state: .applied)
        do {
            let receipt = try await recordProgress(
                enrolmentID: command.enrolmentID, record: command.record, by: caller, withView: false)
            guard receipt.forwardedRequest == nil else {
                throw TrackingError.notOwned(partition: TrackingPartitions.partition(ofSession: command.sessionID))
            }
            outcome.status = receipt.replayed ? 200 : 201
            outcome.replayed = receipt.replayed
            outcome.courseCompleted = receipt.completedCourse
        } catch let error as TrackingError {
            if case .notOwned = error { throw error }
            let problem = error.problem
            outcome.state = .refused
            outcome.status = Int(problem.status.code)
            outcome.refusal = .init(
                kind: problem.kind, title: problem.title, detail: problem.detail, errors: problem.errors)
        }
        outcome.decidedAt = Timestamp.truncated(self.now())
        let decided = outcome
        try await stores.store(forSession: command.sessionID).write { db in
            try ForwardedRequestRow.record(decided, sessionID: command.sessionID, enrolmentID: command.enrolmentID, db)
        }
    }

    /// What became of a forwarded report, for the participant who sent it (or anyone who may read the enrolment's
    /// progress); `pending` until the owner decided.
    func forwardedOutcome(requestID: String, enrolmentID: String, for caller: Caller) async throws -> ForwardedOutcome {
        let placement = try await stores.requirePlacement(of: enrolmentID)
        if placement.participantID != caller.subject {
            // Not the sender: the enrolment's readers only (checked by the owner's read of the enrolment).
            _ = try await enrolmentProgress(enrolmentID: enrolmentID, for: caller)
        }
        let store = try stores.store(forSession: placement.sessionID)
        let stored = try await store.read { db in
            try ForwardedRequestRow.fetch(requestID, enrolmentID: enrolmentID, db)
        }
        return stored ?? ForwardedOutcome(requestID: requestID, state: .pending)
    }

    /// Records an attendance sheet of a session, in one transaction: the caller must be one of its trainers
    /// or tutors.
    public func recordAttendance(
        sessionID: String, sheet: AttendanceSheet, by caller: Caller
    ) async throws
        -> AttendanceReceipt
    {
        let now = Timestamp.truncated(self.now())
        let store = try stores.store(forSession: sessionID)
        let command = AttendanceCommand(tracker: tracker, plans: store.plans)
        let outcome = try await store.write { db in
            try command.run(sheet, sessionID: sessionID, by: .staff(TrackingScope(caller: caller)), now: now, in: db)
        }
        return AttendanceReceipt(
            sessionID: sessionID, activityID: sheet.activityID, recorded: sheet.entries.count,
            completedEnrolments: outcome.newlyCompleted, revokedEnrolments: outcome.revoked)
    }

    /// What was audited on a session (backdated sheets, attendance corrections, voided statements,
    /// re-evaluations), oldest first: for its trainers and tutors and the managers of its academy.
    public func sessionAudit(sessionID: String, for caller: Caller) async throws -> [AuditRecord] {
        let scope = TrackingScope(caller: caller)
        return try await stores.store(forSession: sessionID).read { db in
            guard let session = try SessionRow.fetch(sessionID, db) else {
                throw TrackingError.notFound(what: "Session", id: sessionID)
            }
            guard scope.follows(session) else {
                throw TrackingError.forbidden(
                    "a session's audit is read by its trainers and tutors and the managers of academy \(session.academy)"
                )
            }
            return try AuditEntry.fetchAll(session: sessionID, db).map {
                AuditRecord(recordedAt: $0.recordedAt, actorID: $0.actorID, action: $0.action, detail: $0.detail)
            }
        }
    }

    // MARK: - Queries

    /// One enrolment's progress, for its participant, the session's trainers and tutors, and the managers of
    /// its academy.
    public func enrolmentProgress(enrolmentID: String, for caller: Caller) async throws -> EnrolmentProgressView {
        let sessionID = try await stores.requirePlacement(of: enrolmentID).sessionID
        let rules = rules
        let scope = TrackingScope(caller: caller)
        let store = try stores.store(forSession: sessionID)
        let plans = store.plans
        return try await store.read { db in
            guard let enrolment = try EnrolmentRow.fetch(sessionID, enrolmentID, db),
                let session = try SessionRow.fetch(sessionID, db)
            else { throw TrackingError.notFound(what: "Enrolment", id: enrolmentID) }
            guard scope.mayRead(enrolment, of: session) else {
                throw TrackingError.forbidden(
                    "enrolment \(enrolmentID)'s progress is for its participant, the trainers and tutors of its "
                        + "session and the managers of academy \(session.academy)")
            }
            return try Self.enrolmentView(
                sessionID: sessionID, enrolmentID: enrolmentID, rules: rules, plans: plans, db)
        }
    }

    /// A session's progress table, for its trainers and tutors and the managers of its academy.
    public func sessionProgress(sessionID: String, for caller: Caller) async throws -> SessionProgressView {
        let rules = rules
        let scope = TrackingScope(caller: caller)
        let store = try stores.store(forSession: sessionID)
        let plans = store.plans
        return try await store.read { db in
            guard let session = try SessionRow.fetch(sessionID, db) else {
                throw TrackingError.notFound(what: "Session", id: sessionID)
            }
            guard scope.follows(session) else {
                throw TrackingError.forbidden(
                    "session \(sessionID) is followed by its trainers and tutors and the managers of academy "
                        + "\(session.academy)")
            }
            return SessionProgressView(
                session: session, enrolments: try EnrolmentRow.fetchAll(session: sessionID, db),
                plan: try plans.plan(session.course, db),
                progress: try ActivityProgressRow.fetchAll(session: sessionID, db),
                completions: try CompletionRow.fetchAll(session: sessionID, db),
                rules: rules)
        }
    }

    /// A session's summary, for the same callers as its table.
    public func sessionSummary(sessionID: String, for caller: Caller) async throws -> SessionSummaryView {
        SessionSummaryView(progress: try await sessionProgress(sessionID: sessionID, for: caller))
    }

    static func enrolmentView(
        sessionID: String, enrolmentID: String, rules: CompletionRules, plans: CoursePlans, _ db: Database
    ) throws
        -> EnrolmentProgressView
    {
        guard let enrolment = try EnrolmentRow.fetch(sessionID, enrolmentID, db),
            let session = try SessionRow.fetch(sessionID, db)
        else { throw TrackingError.notFound(what: "Enrolment", id: enrolmentID) }
        return EnrolmentProgressView(
            session: session, enrolment: enrolment, plan: try plans.plan(session.course, db),
            progress: try ActivityProgressRow.fetch(session: sessionID, enrolment: enrolmentID, db),
            completion: try CompletionRow.fetch(session: sessionID, enrolment: enrolmentID, db),
            rules: rules)
    }
}
