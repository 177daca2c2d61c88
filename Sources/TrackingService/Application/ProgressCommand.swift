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

    /// Reports of one request about the same enrolments (an xAPI batch): each enrolment and its session are read once,
    /// its progress once, and its completion recomputed only when a report changes what an assessment can see — an
    /// activity newly done or its criterion newly met —, at once and in the reports' order, plus once after the
    /// batch's last report if any came since (``finish(_:now:in:)``). What is recorded and announced is what the same
    /// reports sent one by one record and announce: a recomputation announces something only when an activity is
    /// newly done or met (an activity's completion, with its score then; the course's, with its hours and criteria
    /// then), and those are exactly the reports recomputed at once; for the others a recomputation announces nothing.
    struct Batch {
        fileprivate struct Entry {
            var enrolment: EnrolmentRow
            var session: SessionRow
            /// Set once a report of the batch was recorded for the enrolment: its plan and progress as they stand.
            var applied: (plan: CourseVersionRow, progress: [String: ActivityProgress])?
            /// Reports recorded since the last recomputation.
            var unassessed = false
        }

        fileprivate var entries: [String: Entry] = [:]
        /// Enrolments with reports recorded and not yet recomputed, in the order of their first report.
        fileprivate var pending: [String] = []

        /// The enrolment and its session, read once per batch (nil when tracking does not know them).
        mutating func rows(
            session sessionID: String, enrolment enrolmentID: String, _ db: Database
        ) throws -> (enrolment: EnrolmentRow, session: SessionRow)? {
            let key = Self.key(sessionID, enrolmentID)
            if let entry = entries[key] { return (entry.enrolment, entry.session) }
            guard let enrolment = try EnrolmentRow.fetch(sessionID, enrolmentID, db),
                let session = try SessionRow.fetch(sessionID, db)
            else { return nil }
            entries[key] = Entry(enrolment: enrolment, session: session)
            return (enrolment, session)
        }

        fileprivate static func key(_ sessionID: String, _ enrolmentID: String) -> String {
            sessionID + "\u{0}" + enrolmentID
        }
    }

    /// Records one report and recomputes the enrolment's completion.
    ///
    /// - Parameters:
    ///   - participantID: whose progress the report says it is: the caller on the JSON API, the statement's
    ///     actor on xAPI. It must be the enrolment's participant.
    ///   - senderID: who sent it, kept with the report: the participant, or on xAPI a trainer or tutor of the
    ///     session sending a statement on their behalf (the statement resource checks that beforehand).
    func run(
        _ record: ProgressRecord, enrolmentID: String, sessionID: String, participantID: String, senderID: String,
        now: Date, in db: Database
    ) throws -> Outcome {
        var batch = Batch()
        switch try add(
            record, enrolmentID: enrolmentID, sessionID: sessionID, participantID: participantID, senderID: senderID,
            now: now, to: &batch, in: db)
        {
        case .replayed: return .replayed
        case .recorded(let outcome?): return .recorded(outcome)
        case .recorded(nil):
            guard let outcome = try finish(&batch, now: now, in: db).first else {
                preconditionFailure("a recorded report leaves its enrolment to recompute")
            }
            return .recorded(outcome)
        }
    }

    /// What ``add(_:enrolmentID:sessionID:participantID:senderID:now:to:in:)`` did with a report.
    enum Added {
        /// Recorded, and the enrolment's completion recomputed at once (the report changed what is done) or not yet.
        case recorded(CompletionTracker.Outcome?)
        /// The same report was recorded before: nothing changed.
        case replayed
    }

    /// Records one report of a batch, recomputing the enrolment's completion at once only when the report makes its
    /// activity newly done or its criterion newly met (``finish(_:now:in:)`` recomputes the others, once per
    /// enrolment). Nothing is written unless every check passes.
    func add(
        _ record: ProgressRecord, enrolmentID: String, sessionID: String, participantID: String, senderID: String,
        now: Date, to batch: inout Batch, in db: Database
    ) throws -> Added {
        guard let (enrolment, session) = try batch.rows(session: sessionID, enrolment: enrolmentID, db) else {
            throw TrackingError.notFound(what: "Enrolment", id: enrolmentID)
        }
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
        let key = Batch.key(sessionID, enrolmentID)
        let applied = batch.entries[key]?.applied
        guard let plan = try applied?.plan ?? plans.plan(session.course, db) else {
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
        var progress: [String: ActivityProgress]
        if let applied {
            progress = applied.progress
        } else {
            progress = try ActivityProgressRow.fetch(session: sessionID, enrolment: enrolmentID, db)
            if progress.values.contains(where: { $0.rulesRevision < plan.rulesRevision }) {
                // A designer corrected the rules since: what earlier reports derived (a pass, a minimum time) is
                // derived again under the rules in force, once, before this report adds to it.
                progress = try ProgressLog.rebuild(plan, of: enrolment, in: session, progress: progress, db)
            }
            batch.pending.append(key)
        }
        let before = progress[activity.id]
        var updated = (before ?? ActivityProgress(activityID: activity.id)).applying(record, of: activity, at: time)
        updated.rulesRevision = plan.rulesRevision
        progress[activity.id] = updated
        try ActivityProgressRow.save(updated, session: sessionID, enrolment: enrolmentID, recordedBy: nil, db)
        try db.cachedStatement(
            sql: """
                INSERT INTO progress_record (session_id, enrolment_id, record_id, activity_id, content, actor_id, received_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [sessionID, enrolmentID, record.id, activity.id, content, senderID, now.storedValue])
        batch.entries[key]?.applied = (plan, progress)
        batch.entries[key]?.unassessed = true
        let rules = tracker.rules
        let changesAssessment =
            (rules.doneAt(activity, progress: before) == nil) != (rules.doneAt(activity, progress: updated) == nil)
            || (rules.criterionMetAt(activity, progress: before) == nil)
                != (rules.criterionMetAt(activity, progress: updated) == nil)
        return .recorded(changesAssessment ? try recompute(key, in: &batch, now: now, db) : nil)
    }

    /// Recomputes one enrolment of the batch with its progress as it stands.
    private func recompute(
        _ key: String, in batch: inout Batch, now: Date, _ db: Database
    ) throws -> CompletionTracker.Outcome? {
        guard let entry = batch.entries[key], let (plan, progress) = entry.applied else { return nil }
        batch.entries[key]?.unassessed = false
        return try tracker.recompute(
            session: entry.session, enrolment: entry.enrolment, plan: plan, progress: progress, now: now, in: db)
    }

    /// Recomputes the completion of every enrolment with reports recorded since its last recomputation, in the order
    /// of their first report, and empties the batch (what is read next is read again: call it before anything else in
    /// the transaction changes these enrolments' progress, an attendance sheet or a voided statement).
    @discardableResult
    func finish(_ batch: inout Batch, now: Date, in db: Database) throws -> [CompletionTracker.Outcome] {
        defer { batch = Batch() }
        var outcomes: [CompletionTracker.Outcome] = []
        for key in batch.pending where batch.entries[key]?.unassessed == true {
            if let outcome = try recompute(key, in: &batch, now: now, db) { outcomes.append(outcome) }
        }
        return outcomes
    }

    /// The canonical form of a report, compared to decide replay or conflict.
    static func fingerprint(_ record: ProgressRecord) throws -> String {
        String(decoding: try EventCoding.encode(record), as: UTF8.self)
    }
}
