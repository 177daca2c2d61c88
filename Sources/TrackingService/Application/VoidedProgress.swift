import Contracts
import Foundation
import GRDB
import Messaging

/// Takes back the progress of a voided xAPI statement, inside the write transaction that stores the voiding
/// statement: the statement's progress record is kept but marked voided, the activity's progress is rebuilt from
/// the records that still count (what trainers recorded is kept), and the enrolment's completion is recomputed
/// as a correction — revoked (or revised with fewer hours) when it no longer holds.
struct VoidedProgress: Sendable {
    let tracker: CompletionTracker
    let plans: CoursePlans

    /// - Returns: whether the voided statement had counted as progress (and no longer does).
    @discardableResult
    func takeBack(statementID: String, voidedBy senderID: String, now: Date, in db: Database) throws -> Bool {
        guard
            let target = try Row.fetchOne(
                db, sql: "SELECT session_id, registration FROM xapi_statement WHERE statement_id = ?",
                arguments: [statementID]),
            let sessionID = target["session_id"] as String?, let enrolmentID = target["registration"] as String?,
            let activityID = try String.fetchOne(
                db,
                sql: """
                    SELECT activity_id FROM progress_record
                    WHERE session_id = ? AND enrolment_id = ? AND record_id = ? AND voided_at IS NULL
                    """, arguments: [sessionID, enrolmentID, "xapi:\(statementID)"]),
            let session = try SessionRow.fetch(sessionID, db),
            let enrolment = try EnrolmentRow.fetch(sessionID, enrolmentID, db),
            let plan = try plans.plan(session.course, db),
            let activity = plan.activities.first(where: { $0.id == activityID })
        else { return false }
        try db.execute(
            sql: """
                UPDATE progress_record SET voided_at = ?
                WHERE session_id = ? AND enrolment_id = ? AND record_id = ?
                """, arguments: [now.storedValue, sessionID, enrolmentID, "xapi:\(statementID)"])
        let credit = CreditTime(approvedAt: enrolment.approvedAt, sessionStartsAt: session.startsAt)
        let records = try Row.fetchAll(
            db,
            sql: """
                SELECT content, received_at FROM progress_record
                WHERE session_id = ? AND enrolment_id = ? AND activity_id = ? AND voided_at IS NULL
                ORDER BY received_at, record_id
                """, arguments: [sessionID, enrolmentID, activityID]
        ).map { row -> (record: ProgressRecord, time: Date) in
            let record = try EventCoding.decode(ProgressRecord.self, from: Data((row["content"] as String).utf8))
            let received: Date = row["received_at"]
            return (record, credit.effective(stated: record.occurredAt, receivedAt: received))
        }
        var progress = try ActivityProgressRow.fetch(session: sessionID, enrolment: enrolmentID, db)
        let rebuilt = (progress[activityID] ?? ActivityProgress(activityID: activityID)).rebuilt(
            from: records, of: activity)
        progress[activityID] = rebuilt
        try ActivityProgressRow.save(rebuilt, session: sessionID, enrolment: enrolmentID, recordedBy: nil, db)
        try AuditEntry(
            sessionID: sessionID, recordedAt: now, actorID: senderID, action: "statement-voided",
            detail: "statement \(statementID) (activity \(activityID), enrolment \(enrolmentID)) no longer counts"
        ).insert(db)
        _ = try tracker.recompute(
            session: session, enrolment: enrolment, plan: plan, progress: progress, now: now,
            correction: .statementVoided, in: db)
        return true
    }
}
