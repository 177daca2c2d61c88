import Contracts
import Foundation
import GRDB
import Messaging

/// Records one progress report inside the caller's write transaction: the one path by which progress
/// changes, shared by the JSON API and xAPI statements.
///
/// Order of checks: unknown enrolment (404); a report about someone other than the enrolment's participant
/// (403); a reused report id (same content: a replay that changes nothing; other content: 409); withdrawn
/// enrolment or cancelled session (409); course version not yet received (409); activity not in the pinned
/// course version, or a report that does not fit the activity (422). Nothing is stored unless every check
/// passes; then the completion is recomputed in the same transaction.
struct ProgressCommand: Sendable {
    let tracker: CompletionTracker
    let plans: CoursePlans

    enum Outcome: Sendable {
        case recorded(CompletionTracker.Outcome)
        case replayed
    }

    /// - Parameters:
    ///   - participantID: whose progress the report says it is: the caller on the JSON API, the statement's
    ///     actor on xAPI. It must be the enrolment's participant.
    ///   - senderID: who sent it, kept with the report: the participant, or on xAPI a trainer or tutor of the
    ///     session sending a statement on their behalf (the statement resource checks that beforehand).
    func run(
        _ record: ProgressRecord, enrolmentID: String, sessionID: String, participantID: String, senderID: String,
        now: Date, in db: Database
    ) throws -> Outcome {
        guard let enrolment = try EnrolmentRow.fetch(sessionID, enrolmentID, db),
            let session = try SessionRow.fetch(sessionID, db)
        else { throw TrackingError.notFound(what: "Enrolment", id: enrolmentID) }
        guard participantID == enrolment.participantID else {
            throw TrackingError.forbidden(
                "enrolment \(enrolmentID) is another participant's: a participant records their own progress only")
        }
        let content = try Self.fingerprint(record)
        if let previous = try String.fetchOne(
            db.cachedStatement(
                sql: "SELECT content FROM progress_record WHERE session_id = ? AND enrolment_id = ? AND record_id = ?"),
            arguments: [sessionID, enrolmentID, record.id])
        {
            guard previous == content else {
                throw TrackingError.conflict(
                    "progress record '\(record.id)' was already received with different content", state: nil)
            }
            return .replayed
        }
        guard enrolment.status == .approved else {
            throw TrackingError.conflict("the enrolment was withdrawn: tracking has stopped", state: "withdrawn")
        }
        guard session.cancelledAt == nil else {
            throw TrackingError.conflict("the session was cancelled: tracking has stopped", state: "cancelled")
        }
        guard let plan = try plans.plan(session.course, db) else {
            throw TrackingError.conflict(
                "the course version \(session.course.courseID) v\(session.course.version) is not known yet",
                state: "course-version-unknown")
        }
        guard let activity = plan.activities.first(where: { $0.id == record.activityID }) else {
            throw TrackingError.invalid(
                "activityID",
                "not an activity of course \(session.course.courseID) version \(session.course.version)")
        }
        let violations = record.violations(for: activity)
        guard violations.isEmpty else { throw TrackingError.invalid(violations) }

        let time = CreditTime(approvedAt: enrolment.approvedAt, sessionStartsAt: session.startsAt)
            .effective(stated: record.occurredAt, receivedAt: now)
        var progress = try ActivityProgressRow.fetch(session: sessionID, enrolment: enrolmentID, db)
        if progress.values.contains(where: { $0.rulesRevision < plan.rulesRevision }) {
            // A designer corrected the rules since: what earlier reports derived (a pass, a minimum time) is derived
            // again under the rules in force, once, before this report adds to it.
            progress = try ProgressLog.rebuild(plan, of: enrolment, in: session, progress: progress, db)
        }
        var updated = (progress[activity.id] ?? ActivityProgress(activityID: activity.id)).applying(
            record, of: activity, at: time)
        updated.rulesRevision = plan.rulesRevision
        progress[activity.id] = updated
        try ActivityProgressRow.save(updated, session: sessionID, enrolment: enrolmentID, recordedBy: nil, db)
        try db.cachedStatement(
            sql: """
                INSERT INTO progress_record (session_id, enrolment_id, record_id, activity_id, content, actor_id, received_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [sessionID, enrolmentID, record.id, activity.id, content, senderID, now.storedValue])
        return .recorded(
            try tracker.recompute(
                session: session, enrolment: enrolment, plan: plan, progress: progress, now: now, in: db))
    }

    /// The canonical form of a report, compared to decide replay or conflict.
    static func fingerprint(_ record: ProgressRecord) throws -> String {
        String(decoding: try EventCoding.encode(record), as: UTF8.self)
    }
}
