import Contracts
import Foundation
import GRDB

/// Records an attendance sheet inside the caller's write transaction, then recomputes the completion of
/// every participant on it.
struct AttendanceCommand: Sendable {
    let tracker: CompletionTracker
    let plans: CoursePlans

    struct Outcome: Sendable {
        /// Enrolments whose course was completed by this sheet.
        var newlyCompleted: [String]
        /// Enrolments whose completion this sheet revoked (a correction).
        var revoked: [String] = []
    }

    /// Who records the sheet: it decides the check and whether the sheet replaces what was recorded.
    enum Author: Sendable {
        /// A trainer's or tutor's sheet (403 unless the caller is assigned to the session); it replaces
        /// what was recorded before.
        case staff(TrackingScope)
        /// A participant's own declaration (xAPI `attended`), sent by `senderID`: stored as a claim that the
        /// trainers see on their table; it credits nothing and never touches what they recorded. The statement
        /// resource has checked who may send it.
        case selfDeclared(senderID: String)
    }

    func run(
        _ sheet: AttendanceSheet, sessionID: String, by author: Author, now: Date, in db: Database
    ) throws
        -> Outcome
    {
        guard let session = try SessionRow.fetch(sessionID, db) else {
            throw TrackingError.notFound(what: "Session", id: sessionID)
        }
        let recordedBy: String
        let overwrite: Bool
        switch author {
        case .staff(let scope):
            guard scope.isStaff(of: session) else {
                throw TrackingError.forbidden(
                    "only a trainer or tutor assigned to session \(sessionID) records its attendance")
            }
            (recordedBy, overwrite) = (scope.caller.subject, true)
        case .selfDeclared(let senderID):
            (recordedBy, overwrite) = (senderID, false)
        }
        guard session.cancelledAt == nil else {
            throw TrackingError.conflict("the session was cancelled: tracking has stopped", state: "cancelled")
        }
        guard let plan = try plans.plan(session.course, db) else {
            throw TrackingError.conflict(
                "the course version \(session.course.courseID) v\(session.course.version) is not known yet",
                state: "course-version-unknown")
        }
        guard let activity = plan.activities.first(where: { $0.id == sheet.activityID }) else {
            throw TrackingError.invalid(
                "activityID", "not an activity of course \(session.course.courseID) version \(session.course.version)")
        }
        guard CompletionRules.isAttendanceBased(activity.kind) else {
            throw TrackingError.invalid(
                "activityID", "attendance is recorded for in-person meetings and virtual classes only")
        }
        var violations: [(field: String, problem: String)] = []
        if sheet.entries.isEmpty { violations.append(("entries", "must list at least one participant")) }
        if sheet.entries.count > AttendanceSheet.maximumEntries {
            violations.append(("entries", "must list at most \(AttendanceSheet.maximumEntries) participants"))
        }
        var seen = Set<String>()
        var enrolments: [EnrolmentRow] = []
        for (index, entry) in sheet.entries.enumerated() {
            let field = "entries[\(index)].enrolmentID"
            guard seen.insert(entry.enrolmentID).inserted else {
                violations.append((field, "appears twice on the sheet"))
                continue
            }
            guard let enrolment = try EnrolmentRow.fetch(sessionID, entry.enrolmentID, db) else {
                violations.append((field, "not an enrolment of this session"))
                continue
            }
            guard enrolment.status == .approved else {
                violations.append((field, "the enrolment was withdrawn: tracking has stopped"))
                continue
            }
            enrolments.append(enrolment)
        }
        if let recordedAt = sheet.recordedAt, recordedAt > now.addingTimeInterval(300) {
            violations.append(("recordedAt", "must not be in the future"))
        }
        let reason = sheet.reason?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if reason.count > AttendanceSheet.maximumReasonLength {
            violations.append(("reason", "must be at most \(AttendanceSheet.maximumReasonLength) characters"))
        }
        guard violations.isEmpty else { throw TrackingError.invalid(violations) }
        var recorded: [String: [String: ActivityProgress]] = [:]
        for enrolment in enrolments {
            recorded[enrolment.enrolmentID] = try ActivityProgressRow.fetch(
                session: sessionID, enrolment: enrolment.enrolmentID, db)
        }
        // A staff sheet that changes what staff recorded before is a correction: it says why, and it is audited.
        let corrections: [(enrolmentID: String, from: AttendanceStatus, to: AttendanceStatus)] =
            overwrite
            ? sheet.entries.compactMap { entry in
                guard let before = recorded[entry.enrolmentID]?[activity.id]?.attendance, before != entry.status
                else { return nil }
                return (entry.enrolmentID, before, entry.status)
            } : []
        if !corrections.isEmpty, reason.isEmpty {
            throw TrackingError.invalid(
                "reason",
                "the sheet changes attendance already recorded (\(corrections.count) participant(s)): say why")
        }
        for correction in corrections {
            try AuditEntry(
                sessionID: sessionID, recordedAt: now, actorID: recordedBy, action: "attendance-corrected",
                detail: "activity \(activity.id), enrolment \(correction.enrolmentID): \(correction.from.rawValue) → "
                    + "\(correction.to.rawValue); reason: \(reason)"
            ).insert(db)
        }

        if overwrite, let recordedAt = sheet.recordedAt, recordedAt < now.addingTimeInterval(-300) {
            try AuditEntry(
                sessionID: sessionID, recordedAt: now, actorID: recordedBy, action: "attendance-backdated",
                detail: "activity \(activity.id) recorded at \(Timestamp.format(recordedAt)) for "
                    + "\(enrolments.count) participant(s)"
            ).insert(db)
        }
        let corrected = Set(corrections.map(\.enrolmentID))
        var outcome = Outcome(newlyCompleted: [])
        for (entry, enrolment) in zip(sheet.entries, enrolments) {
            let current =
                recorded[enrolment.enrolmentID]?[activity.id]
                ?? ActivityProgress(activityID: activity.id, rulesRevision: plan.rulesRevision)
            let credit = CreditTime(approvedAt: enrolment.approvedAt, sessionStartsAt: session.startsAt)
            guard overwrite else {
                // A participant's own declaration: a claim the trainers see, never credit (no recomputation).
                let time = credit.effective(stated: sheet.recordedAt, receivedAt: now)
                try ActivityProgressRow.save(
                    current.claimingAttendance(at: time), session: sessionID, enrolment: enrolment.enrolmentID,
                    recordedBy: nil, db)
                continue
            }
            let time = credit.effective(stated: sheet.recordedAt, receivedAt: now, backdatedByStaff: true)
            let updated = current.recordingAttendance(entry.status, at: time)
            try ActivityProgressRow.save(
                updated, session: sessionID, enrolment: enrolment.enrolmentID, recordedBy: recordedBy, db)
            // Only a change of what staff recorded is a correction; a first record or the same status again is not.
            let before = recorded[enrolment.enrolmentID] ?? [:]
            var after = before
            after[activity.id] = updated
            let result = try tracker.recompute(
                session: session, enrolment: enrolment, plan: plan, progress: after, now: now,
                correction: corrected.contains(enrolment.enrolmentID)
                    ? .fact(.attendanceCorrected, before: before) : nil,
                in: db)
            if result.newlyCompleted { outcome.newlyCompleted.append(enrolment.enrolmentID) }
            if result.revokedRevision != nil { outcome.revoked.append(enrolment.enrolmentID) }
        }
        return outcome
    }
}
