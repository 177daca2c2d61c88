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
        let before = try ActivityProgressRow.fetch(session: sessionID, enrolment: enrolmentID, db)
        let progress = try ProgressLog.rebuild(
            plan, only: [activity], of: enrolment, in: session, progress: before, db)
        try AuditEntry(
            sessionID: sessionID, recordedAt: now, actorID: senderID, action: "statement-voided",
            detail: "statement \(statementID) (activity \(activityID), enrolment \(enrolmentID)) no longer counts"
        ).insert(db)
        _ = try tracker.recompute(
            session: session, enrolment: enrolment, plan: plan, progress: progress, now: now,
            correction: .fact(.statementVoided, before: before), in: db)
        return true
    }
}

/// An enrolment's progress rebuilt from its log of progress records (`progress_record`): what a correction needs
/// when what was derived at each report — a pass, a minimum time reached — no longer holds (a voided record, a
/// pass threshold or a minimum time the designer corrected).
enum ProgressLog {
    /// Rebuilds the progress of `plan`'s activities (or `only` some) from the records that count, in the order they
    /// were received, under the plan's rules, keeping what trainers recorded and the participant's claims; saves it
    /// and returns the enrolment's whole progress.
    static func rebuild(
        _ plan: CourseVersionRow, only some: [ActivitySnapshot]? = nil, of enrolment: EnrolmentRow,
        in session: SessionRow, progress known: [String: ActivityProgress]? = nil, _ db: Database
    ) throws -> [String: ActivityProgress] {
        let activities = some ?? plan.activities
        let credit = CreditTime(approvedAt: enrolment.approvedAt, sessionStartsAt: session.startsAt)
        var records: [String: [(record: ProgressRecord, time: Date)]] = [:]
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT activity_id, content, received_at FROM progress_record
                WHERE session_id = ? AND enrolment_id = ? AND voided_at IS NULL
                ORDER BY received_at, record_id
                """, arguments: [session.sessionID, enrolment.enrolmentID])
        {
            let record = try EventCoding.decode(ProgressRecord.self, from: Data((row["content"] as String).utf8))
            let received: Date = row["received_at"]
            records[row["activity_id"], default: []].append(
                (record, credit.effective(stated: record.occurredAt, receivedAt: received)))
        }
        var progress =
            try known ?? ActivityProgressRow.fetch(session: session.sessionID, enrolment: enrolment.enrolmentID, db)
        for activity in activities {
            let current = progress[activity.id]
            let entries = records[activity.id] ?? []
            guard current != nil || !entries.isEmpty else { continue }
            let rebuilt = (current ?? ActivityProgress(activityID: activity.id)).rebuilt(
                from: entries, of: activity, rulesRevision: plan.rulesRevision)
            guard rebuilt != current else { continue }
            progress[activity.id] = rebuilt
            try ActivityProgressRow.save(
                rebuilt, session: session.sessionID, enrolment: enrolment.enrolmentID, recordedBy: nil, db)
        }
        return progress
    }
}
