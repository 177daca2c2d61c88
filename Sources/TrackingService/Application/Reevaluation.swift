import Contracts
import Foundation
import GRDB
import ServiceSupport

extension TrackingApplication {
    /// What a re-evaluation of one enrolment found.
    public struct ReevaluationReceipt: Codable, Sendable, Equatable {
        public enum Result: String, Codable, Sendable {
            /// The rules in force give the same outcome: nothing announced.
            case unchanged
            /// The course is now completed (a new revision announced).
            case completed
            /// The completion in force no longer holds: revoked.
            case revoked
            /// Still completed, with fewer hours: revoked and the next revision announced.
            case revised
        }
        public var enrolmentID: String
        public var sessionID: String
        public var result: Result
        /// The revision in force afterwards, nil when none is.
        public var revision: Int?
        public var ruleVersion: Int
        /// The revision of the course version's rules applied.
        public var rulesRevision: Int
    }

    /// What a re-evaluation of a whole session found, enrolment by enrolment (approved ones).
    public struct SessionReevaluationReceipt: Codable, Sendable, Equatable {
        public var sessionID: String
        public var enrolments: [ReevaluationReceipt]
    }

    /// Recomputes one enrolment under the rules in force (the engine's, and the latest revision of its course
    /// version's rules), as a correction: a manager of the session's academy says why, the act is audited, and where
    /// the outcome changes the completion is revoked, revised or announced — never silently rewritten.
    public func reevaluate(
        enrolmentID: String, reason: String, by caller: Caller
    ) async throws
        -> ReevaluationReceipt
    {
        let sessionID = try await stores.requirePlacement(of: enrolmentID).sessionID
        return try await reevaluating(sessionID: sessionID, reason: reason, by: caller) { db in
            guard let enrolment = try EnrolmentRow.fetch(sessionID, enrolmentID, db) else {
                throw TrackingError.notFound(what: "Enrolment", id: enrolmentID)
            }
            return [enrolment]
        }[0]
    }

    /// Re-evaluates every approved enrolment of a session (after a designer corrected its course version's rules),
    /// in one transaction, each audited as ``reevaluate(enrolmentID:reason:by:)``.
    public func reevaluate(
        sessionID: String, reason: String, by caller: Caller
    ) async throws
        -> SessionReevaluationReceipt
    {
        let receipts = try await reevaluating(sessionID: sessionID, reason: reason, by: caller) { db in
            try EnrolmentRow.fetchAll(session: sessionID, db).filter { $0.status == .approved }
        }
        return SessionReevaluationReceipt(sessionID: sessionID, enrolments: receipts)
    }

    private func reevaluating(
        sessionID: String, reason: String, by caller: Caller,
        enrolments: @escaping @Sendable (Database) throws -> [EnrolmentRow]
    ) async throws -> [ReevaluationReceipt] {
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty, reason.count <= AttendanceSheet.maximumReasonLength else {
            throw TrackingError.invalid("reason", "say why, in 1 to \(AttendanceSheet.maximumReasonLength) characters")
        }
        let now = Timestamp.truncated(self.now())
        let store = try stores.store(forSession: sessionID)
        let (plans, tracker, scope) = (store.plans, tracker, TrackingScope(caller: caller))
        return try await store.write { db in
            guard let session = try SessionRow.fetch(sessionID, db) else {
                throw TrackingError.notFound(what: "Session", id: sessionID)
            }
            guard scope.manages(session) else {
                throw TrackingError.forbidden(
                    "completions are re-evaluated by a manager of the session's academy (\(session.academy))")
            }
            guard let plan = try plans.plan(session.course, db) else {
                throw TrackingError.conflict(
                    "the course version \(session.course.courseID) v\(session.course.version) is not known yet",
                    state: "course-version-unknown")
            }
            return try enrolments(db).map { enrolment in
                let before = try CompletionRow.fetch(session: sessionID, enrolment: enrolment.enrolmentID, db)
                // What each report derived (a pass, a minimum time reached) is derived again under the rules in force.
                let progress = try ProgressLog.rebuild(plan, of: enrolment, in: session, db)
                let outcome = try tracker.recompute(
                    session: session, enrolment: enrolment, plan: plan, progress: progress, now: now,
                    correction: .reevaluation, in: db)
                let after = try CompletionRow.fetch(session: sessionID, enrolment: enrolment.enrolmentID, db)
                let result: ReevaluationReceipt.Result =
                    switch (outcome.revokedRevision != nil, outcome.newlyCompleted) {
                    case (true, true): .revised
                    case (true, false): .revoked
                    case (false, true): .completed
                    case (false, false): .unchanged
                    }
                try AuditEntry(
                    sessionID: sessionID, recordedAt: now, actorID: caller.subject, action: "completion-reevaluated",
                    detail: "enrolment \(enrolment.enrolmentID): \(result.rawValue) (revision "
                        + "\(before?.revision.description ?? "none") → \(after?.revision.description ?? "none"), "
                        + "rules v\(tracker.rules.version), course rules revision \(plan.rulesRevision)); reason: \(reason)"
                ).insert(db)
                return ReevaluationReceipt(
                    enrolmentID: enrolment.enrolmentID, sessionID: sessionID, result: result, revision: after?.revision,
                    ruleVersion: tracker.rules.version, rulesRevision: plan.rulesRevision)
            }
        }
    }
}
