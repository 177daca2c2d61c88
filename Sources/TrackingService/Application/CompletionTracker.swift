import Contracts
import Foundation
import GRDB
import Messaging

/// Recomputes one enrolment's completion inside the caller's write transaction, records what is newly
/// done, and appends the announcements to the outbox.
///
/// Each activity completion and the course completion are recorded once per rule version, and their
/// events carry ids derived from enrolment, activity and rule version (``DeterministicID``): recomputing
/// after a retried request or a redelivered event can never announce a completion twice. A completion,
/// once announced, is a fact: a later change of attendance does not revoke it.
struct CompletionTracker: Sendable {
    let rules: CompletionRules

    struct Outcome: Sendable {
        var assessment: CompletionAssessment
        var newlyCompleted: Bool
        var newlyDoneActivities: [String]
    }

    /// - Parameter known: the enrolment's progress when the caller has it in hand (read again otherwise).
    func recompute(
        session: SessionRow, enrolment: EnrolmentRow, plan: CourseVersionRow,
        progress known: [String: ActivityProgress]? = nil,
        now: Date, in db: Database
    ) throws -> Outcome {
        let progress =
            try known ?? ActivityProgressRow.fetch(session: session.sessionID, enrolment: enrolment.enrolmentID, db)
        let assessment = rules.assess(
            activities: plan.activities, progress: progress, withdrawn: enrolment.status == .withdrawn)
        guard enrolment.status == .approved else {
            return Outcome(assessment: assessment, newlyCompleted: false, newlyDoneActivities: [])
        }
        var newlyDone: [String] = []
        // Most reports complete nothing new: the activities already recorded are skipped without computing
        // their event ids (a SHA-256 each) or trying an insert.
        let recorded = Set(
            try String.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT activity_id FROM activity_completion
                        WHERE session_id = ? AND enrolment_id = ? AND rule_version = ?
                        """),
                arguments: [session.sessionID, enrolment.enrolmentID, rules.version]))
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
        var newlyCompleted = false
        if let completedAt = assessment.completedAt,
            try Int.fetchOne(
                db.cachedStatement(
                    sql:
                        "SELECT 1 FROM course_completion WHERE session_id = ? AND enrolment_id = ? AND rule_version = ?"
                ),
                arguments: [session.sessionID, enrolment.enrolmentID, rules.version]) == nil
        {
            let eventID = DeterministicID.courseCompleted(
                enrolmentID: enrolment.enrolmentID, ruleVersion: rules.version)
            let completion = CompletionRow(
                sessionID: session.sessionID, enrolmentID: enrolment.enrolmentID, ruleVersion: rules.version,
                completedAt: completedAt, distanceMinutes: assessment.distanceMinutes,
                inPersonMinutes: assessment.inPersonMinutes, criteriaMet: assessment.criteriaMet, eventID: eventID)
            if try completion.insert(db) {
                newlyCompleted = true
                let event = CourseCompleted(
                    enrolmentID: enrolment.enrolmentID, participantID: enrolment.participantID,
                    sessionID: session.sessionID, course: session.course, academy: session.academy,
                    schoolLevel: enrolment.schoolLevel ?? session.schoolLevel,
                    completedAt: Timestamp.truncated(completedAt), distanceMinutes: assessment.distanceMinutes,
                    inPersonMinutes: assessment.inPersonMinutes, criteriaMet: assessment.criteriaMet,
                    ruleVersion: rules.version)
                try Outbox.append(event, id: eventID, time: now, in: db)
            }
        }
        return Outcome(assessment: assessment, newlyCompleted: newlyCompleted, newlyDoneActivities: newlyDone)
    }
}
