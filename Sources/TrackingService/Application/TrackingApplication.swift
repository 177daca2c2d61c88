import Contracts
import Foundation
import GRDB

/// Tracking's application layer: the commands and queries the HTTP and xAPI adapters call.
///
/// Each command finds the store that owns the session (``TrackingStores``), runs in ONE write
/// transaction there (the change, the recomputed completion and its outbox events commit together) and
/// nudges that store's outbox relay afterwards, so a completion leaves within milliseconds.
public final class TrackingApplication: Sendable {
    public let stores: TrackingStores
    public let rules: CompletionRules
    private let now: @Sendable () -> Date

    public init(stores: TrackingStores, rules: CompletionRules = .current, now: @escaping @Sendable () -> Date = Date.init) {
        self.stores = stores
        self.rules = rules
        self.now = now
    }

    var tracker: CompletionTracker { CompletionTracker(rules: rules) }

    /// The result of a progress report.
    public struct ProgressReceipt: Sendable {
        /// True when the report had been received before: nothing changed.
        public var replayed: Bool
        /// True when this report completed the course.
        public var completedCourse: Bool
        public var progress: EnrolmentProgressView
    }

    /// The result of an attendance sheet.
    public struct AttendanceReceipt: Codable, Sendable, Equatable {
        public var sessionID: String
        public var activityID: String
        public var recorded: Int
        /// Enrolments whose course this sheet completed.
        public var completedEnrolments: [String]
    }

    // MARK: - Commands

    /// Records one progress report of an enrolment (see ``ProgressCommand`` for the checks).
    public func recordProgress(enrolmentID: String, record: ProgressRecord, actorID: String) async throws
        -> ProgressReceipt
    {
        let now = Timestamp.truncated(self.now())
        let violations = record.violations(now: now)
        guard violations.isEmpty else { throw TrackingError.invalid(violations) }
        guard let sessionID = try await stores.locate(enrolmentID: enrolmentID) else {
            throw TrackingError.notFound(what: "Enrolment", id: enrolmentID)
        }
        let command = ProgressCommand(tracker: tracker)
        let rules = rules
        return try await stores.store(forSession: sessionID).write { db in
            let outcome = try command.run(
                record, enrolmentID: enrolmentID, sessionID: sessionID, actorID: actorID, now: now, in: db)
            let view = try Self.enrolmentView(sessionID: sessionID, enrolmentID: enrolmentID, rules: rules, db)
            switch outcome {
            case .replayed: return ProgressReceipt(replayed: true, completedCourse: false, progress: view)
            case .recorded(let result):
                return ProgressReceipt(replayed: false, completedCourse: result.newlyCompleted, progress: view)
            }
        }
    }

    /// Records a trainer's attendance sheet for a session, in one transaction.
    public func recordAttendance(sessionID: String, sheet: AttendanceSheet, actorID: String) async throws
        -> AttendanceReceipt
    {
        let now = Timestamp.truncated(self.now())
        let command = AttendanceCommand(tracker: tracker)
        let outcome = try await stores.store(forSession: sessionID).write { db in
            try command.run(sheet, sessionID: sessionID, actorID: actorID, now: now, in: db)
        }
        return AttendanceReceipt(
            sessionID: sessionID, activityID: sheet.activityID, recorded: sheet.entries.count,
            completedEnrolments: outcome.newlyCompleted)
    }

    // MARK: - Queries

    public func enrolmentProgress(enrolmentID: String) async throws -> EnrolmentProgressView {
        guard let sessionID = try await stores.locate(enrolmentID: enrolmentID) else {
            throw TrackingError.notFound(what: "Enrolment", id: enrolmentID)
        }
        let rules = rules
        return try await stores.store(forSession: sessionID).read { db in
            try Self.enrolmentView(sessionID: sessionID, enrolmentID: enrolmentID, rules: rules, db)
        }
    }

    public func sessionProgress(sessionID: String) async throws -> SessionProgressView {
        let rules = rules
        return try await stores.store(forSession: sessionID).read { db in
            guard let session = try SessionRow.fetch(sessionID, db) else {
                throw TrackingError.notFound(what: "Session", id: sessionID)
            }
            return SessionProgressView(
                session: session, enrolments: try EnrolmentRow.fetchAll(session: sessionID, db),
                plan: try CourseVersionRow.fetch(session.course, db),
                progress: try ActivityProgressRow.fetchAll(session: sessionID, db),
                completions: try CompletionRow.fetchAll(session: sessionID, ruleVersion: rules.version, db),
                rules: rules)
        }
    }

    public func sessionSummary(sessionID: String) async throws -> SessionSummaryView {
        SessionSummaryView(progress: try await sessionProgress(sessionID: sessionID))
    }

    static func enrolmentView(sessionID: String, enrolmentID: String, rules: CompletionRules, _ db: Database) throws
        -> EnrolmentProgressView
    {
        guard let enrolment = try EnrolmentRow.fetch(sessionID, enrolmentID, db),
            let session = try SessionRow.fetch(sessionID, db)
        else { throw TrackingError.notFound(what: "Enrolment", id: enrolmentID) }
        return EnrolmentProgressView(
            session: session, enrolment: enrolment, plan: try CourseVersionRow.fetch(session.course, db),
            progress: try ActivityProgressRow.fetch(session: sessionID, enrolment: enrolmentID, db),
            completion: try CompletionRow.fetch(
                session: sessionID, enrolment: enrolmentID, ruleVersion: rules.version, db),
            rules: rules)
    }
}
