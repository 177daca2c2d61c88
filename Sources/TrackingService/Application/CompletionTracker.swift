import Contracts
import Foundation
import GRDB
import Messaging

/// Recomputes one enrolment's completion inside the caller's write transaction, records what is newly
/// done, and appends the announcements to the outbox.
///
/// Each activity completion is recorded once, and an enrolment's course completion once per revision; their
/// events carry ids derived from enrolment, activity, rule version and revision (``DeterministicID``):
/// recomputing after a retried request or a redelivered event can never announce anything twice.
///
/// A completion in force is revised only by a correction (``recompute(session:enrolment:plan:progress:now:correction:in:)``
/// with a cause): when the course is no longer completed, the revision is revoked
/// (`tracking.course.completion-revoked.v1`); when it still is but credits fewer hours, it is revoked and the
/// next revision announced with the hours that remain. Progress alone never revokes anything (it can only add).
struct CompletionTracker: Sendable {
    let rules: CompletionRules

    struct Outcome: Sendable {
        var assessment: CompletionAssessment
        var newlyCompleted: Bool
        var newlyDoneActivities: [String]
        /// The revision a correction revoked, if it did.
        var revokedRevision: Int? = nil
    }

    /// What a correction changed, for ``recompute(session:enrolment:plan:progress:now:correction:in:)``.
    enum Correction: Sendable {
        /// A fact was corrected (a trainer's attendance, a voided statement); `before` is the enrolment's progress
        /// before it. Only what that fact changed counts: a completion is revoked when it held before the fact and
        /// no longer does, revised when the fact took hours away — never for another reason (such as a rules
        /// revision that only a re-evaluation applies to the past).
        case fact(CourseCompletionRevoked.Cause, before: [String: ActivityProgress])
        /// A manager's re-evaluation: the completion in force is measured against the rules in force.
        case reevaluation

        var cause: CourseCompletionRevoked.Cause {
            switch self {
            case .fact(let cause, _): cause
            case .reevaluation: .reevaluated
            }
        }
    }

    /// - Parameters:
    ///   - known: the enrolment's progress when the caller has it in hand (read again otherwise).
    ///   - correction: what a correction changed (nil for new progress, which never revokes anything).
    func recompute(
        session: SessionRow, enrolment: EnrolmentRow, plan: CourseVersionRow,
        progress known: [String: ActivityProgress]? = nil,
        now: Date, correction: Correction? = nil, in db: Database
    ) throws -> Outcome {
        let progress =
            try known ?? ActivityProgressRow.fetch(session: session.sessionID, enrolment: enrolment.enrolmentID, db)
        let assessment = rules.assess(
            activities: plan.activities, groups: plan.groups, progress: progress,
            withdrawn: enrolment.status == .withdrawn)
        guard enrolment.status == .approved else {
            return Outcome(assessment: assessment, newlyCompleted: false, newlyDoneActivities: [])
        }
        let newlyDone = try recordActivities(assessment, session: session, enrolment: enrolment, now: now, db)
        var outcome = Outcome(assessment: assessment, newlyCompleted: false, newlyDoneActivities: newlyDone)
        // Most reports complete nothing and correct nothing: no read of the completions for them.
        guard assessment.isCompleted || correction != nil else { return outcome }
        let latest = try CompletionRow.latest(session: session.sessionID, enrolment: enrolment.enrolmentID, db)
        var next = (latest?.revision ?? 0) + 1
        if let current = latest, current.revokedAt == nil {
            guard let correction else { return outcome }
            // What the completion is measured against: before the corrected fact, or (a re-evaluation) as recorded.
            let reference: (completed: Bool, distance: Int, inPerson: Int)
            switch correction {
            case .fact(_, let before):
                let prior = rules.assess(
                    activities: plan.activities, groups: plan.groups, progress: before, withdrawn: false)
                reference = (prior.isCompleted, prior.distanceMinutes, prior.inPersonMinutes)
            case .reevaluation:
                reference = (true, current.distanceMinutes, current.inPersonMinutes)
            }
            let lost = reference.completed && !assessment.isCompleted
            let fewerHours =
                assessment.isCompleted
                && (assessment.distanceMinutes < reference.distance || assessment.inPersonMinutes < reference.inPerson)
            guard lost || fewerHours else { return outcome }
            try revoke(current, cause: correction.cause, session: session, enrolment: enrolment, now: now, db)
            outcome.revokedRevision = current.revision
            next = current.revision + 1
        }
        guard let completedAt = assessment.completedAt else { return outcome }
        let eventID = DeterministicID.courseCompleted(
            enrolmentID: enrolment.enrolmentID, ruleVersion: rules.version, revision: next)
        let completion = CompletionRow(
            sessionID: session.sessionID, enrolmentID: enrolment.enrolmentID, revision: next,
            ruleVersion: rules.version, rulesRevision: plan.rulesRevision, completedAt: completedAt,
            distanceMinutes: assessment.distanceMinutes,
            inPersonMinutes: assessment.inPersonMinutes, criteriaMet: assessment.criteriaMet, eventID: eventID)
        guard try completion.insert(recordedAt: now, db) else { return outcome }
        outcome.newlyCompleted = true
        let event = CourseCompleted(
            enrolmentID: enrolment.enrolmentID, participantID: enrolment.participantID,
            sessionID: session.sessionID, course: session.course, academy: session.academy,
            schoolLevel: enrolment.schoolLevel ?? session.schoolLevel,
            completedAt: Timestamp.truncated(completedAt), distanceMinutes: assessment.distanceMinutes,
            inPersonMinutes: assessment.inPersonMinutes, criteriaMet: assessment.criteriaMet,
            ruleVersion: rules.version, revision: next, rulesRevision: plan.rulesRevision)
        try Outbox.append(event, id: eventID, time: now, in: db)
        return outcome
    }

    /// Records (and announces) the activities done that were not yet, under any rule version.
    private func recordActivities(
        _ assessment: CompletionAssessment, session: SessionRow, enrolment: EnrolmentRow, now: Date, _ db: Database
    ) throws -> [String] {
        var newlyDone: [String] = []
        // Most reports complete nothing new: the activities already recorded are skipped without computing
        // their event ids (a SHA-256 each) or trying an insert.
        let recorded = Set(
            try String.fetchAll(
                db.cachedStatement(
                    sql: "SELECT activity_id FROM activity_completion WHERE session_id = ? AND enrolment_id = ?"),
                arguments: [session.sessionID, enrolment.enrolmentID]))
        for done in assessment.done where !recorded.contains(done.activity.id) {
            let eventID = DeterministicID.activityCompleted(
                enrolmentID: enrolment.enrolmentID, activityID: done.activity.id, ruleVersion: rules.version)
            try db.cachedStatement(
                sql: """
                    INSERT OR IGNORE INTO activity_completion (session_id, enrolment_id, activity_id, rule_version,
                        completed_at, minutes, score, event_id)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """
            ).execute(arguments: [
                session.sessionID, enrolment.enrolmentID, done.activity.id, rules.version, done.doneAt.storedValue,
                done.activity.estimatedMinutes, done.score, eventID,
            ])
            guard db.changesCount == 1 else { continue }
            newlyDone.append(done.activity.id)
            let event = ActivityCompleted(
                enrolmentID: enrolment.enrolmentID, participantID: enrolment.participantID,
                sessionID: session.sessionID, course: session.course, academy: session.academy,
                activityID: done.activity.id, activityKind: done.activity.kind, modality: done.activity.modality,
                minutesCredited: done.activity.estimatedMinutes, score: done.score,
                completedAt: Timestamp.truncated(done.doneAt), ruleVersion: rules.version)
            try Outbox.append(event, id: eventID, time: now, in: db)
        }
        return newlyDone
    }

    /// Revokes the completion in force and announces it.
    private func revoke(
        _ current: CompletionRow, cause: CourseCompletionRevoked.Cause, session: SessionRow, enrolment: EnrolmentRow,
        now: Date, _ db: Database
    ) throws {
        let eventID = DeterministicID.completionRevoked(enrolmentID: enrolment.enrolmentID, revision: current.revision)
        guard try current.revoke(cause: cause, eventID: eventID, at: now, db) else { return }
        let event = CourseCompletionRevoked(
            enrolmentID: enrolment.enrolmentID, participantID: enrolment.participantID, sessionID: session.sessionID,
            course: session.course, academy: session.academy,
            schoolLevel: enrolment.schoolLevel ?? session.schoolLevel, revision: current.revision,
            completionEventID: current.eventID, distanceMinutes: current.distanceMinutes,
            inPersonMinutes: current.inPersonMinutes, cause: cause, revokedAt: Timestamp.truncated(now),
            ruleVersion: current.ruleVersion)
        try Outbox.append(event, id: eventID, time: now, in: db)
    }
}
