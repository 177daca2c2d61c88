import Contracts
import Foundation

/// What a participant has done so far on one activity of their course version: the accumulated facts
/// from which the ``CompletionRules`` decide.
///
/// Quizzes keep their BEST attempt (`bestScore`) and the time the first passing attempt was recorded
/// (`passedAt`): a later, lower attempt never un-passes a quiz, and a recomputation always finds the
/// same completion time.
public struct ActivityProgress: Sendable, Equatable, Codable {
    public var activityID: String
    /// When the participant first did anything on the activity.
    public var startedAt: Date?
    /// Time spent, in whole seconds, summed over all progress records.
    public var secondsSpent: Int
    /// When the participant first declared the activity done (not used for quizzes and meetings).
    public var completedAt: Date?
    /// The best quiz score recorded, a fraction between 0 and 1.
    public var bestScore: Double?
    /// When a score at or above the quiz's threshold was first recorded.
    public var passedAt: Date?
    /// Attendance of a meeting or virtual class, as the trainers recorded it last.
    public var attendance: AttendanceStatus?
    /// When the attendance was recorded (the completion time of an attended meeting).
    public var attendanceRecordedAt: Date?
    /// The latest time anything happened on the activity.
    public var lastActivityAt: Date?
    /// When the participant first declared they attended (xAPI `attended`): a claim the session's trainers
    /// see beside their sheet. It credits nothing; only ``attendance`` recorded by staff does.
    public var attendanceClaimedAt: Date?
    /// When the time spent first reached the activity's `minimumMinutes` (nil while it has not, or without one).
    public var minimumTimeMetAt: Date?
    /// The revision of the course version's rules that ``passedAt`` and ``minimumTimeMetAt`` were derived under:
    /// after a designer's correction they are derived again from the log of records.
    public var rulesRevision: Int

    public init(
        activityID: String, startedAt: Date? = nil, secondsSpent: Int = 0, completedAt: Date? = nil,
        bestScore: Double? = nil, passedAt: Date? = nil, attendance: AttendanceStatus? = nil,
        attendanceRecordedAt: Date? = nil, lastActivityAt: Date? = nil, attendanceClaimedAt: Date? = nil,
        minimumTimeMetAt: Date? = nil, rulesRevision: Int = 1
    ) {
        self.activityID = activityID
        self.startedAt = startedAt
        self.secondsSpent = secondsSpent
        self.completedAt = completedAt
        self.bestScore = bestScore
        self.passedAt = passedAt
        self.attendance = attendance
        self.attendanceRecordedAt = attendanceRecordedAt
        self.lastActivityAt = lastActivityAt
        self.attendanceClaimedAt = attendanceClaimedAt
        self.minimumTimeMetAt = minimumTimeMetAt
        self.rulesRevision = rulesRevision
    }

    /// This progress with one more (already validated) record of the participant applied.
    public func applying(_ record: ProgressRecord, of activity: ActivitySnapshot, at time: Date) -> ActivityProgress {
        var next = self
        next.startedAt = min(startedAt ?? time, time)
        next.secondsSpent += record.timeSpentSeconds ?? 0
        if record.completed == true, activity.kind != .selfAssessmentQuiz, completedAt == nil {
            next.completedAt = time
        }
        if let score = record.score {
            next.bestScore = max(bestScore ?? score, score)
            if passedAt == nil, score >= (activity.passThreshold ?? 0) { next.passedAt = time }
        }
        next.lastActivityAt = max(lastActivityAt ?? time, time)
        if let minimum = activity.minimumMinutes, minimumTimeMetAt == nil, next.secondsSpent >= minimum * 60 {
            next.minimumTimeMetAt = time
        }
        return next
    }

    /// This activity's progress rebuilt from the records that still count (a voided statement's record no
    /// longer does), in the order they were received, keeping what trainers recorded and the participant's claim.
    public func rebuilt(
        from records: [(record: ProgressRecord, time: Date)], of activity: ActivitySnapshot, rulesRevision: Int
    ) -> ActivityProgress {
        var fresh = ActivityProgress(
            activityID: activityID, attendance: attendance, attendanceRecordedAt: attendanceRecordedAt,
            attendanceClaimedAt: attendanceClaimedAt, rulesRevision: rulesRevision)
        if attendance == .present, let recorded = attendanceRecordedAt {
            fresh.startedAt = recorded
            fresh.lastActivityAt = recorded
        }
        for (record, time) in records { fresh = fresh.applying(record, of: activity, at: time) }
        return fresh
    }

    /// This progress with the participant's own claim of attendance: kept (the first claim's time) for the
    /// trainers to see, and nothing else changes. It never counts as attended.
    public func claimingAttendance(at time: Date) -> ActivityProgress {
        var next = self
        next.attendanceClaimedAt = min(attendanceClaimedAt ?? time, time)
        return next
    }

    /// This progress with a trainer's attendance record applied (the last record wins).
    public func recordingAttendance(_ status: AttendanceStatus, at time: Date) -> ActivityProgress {
        var next = self
        if attendance != status {
            next.attendance = status
            next.attendanceRecordedAt = time
        }
        if status == .present {
            next.startedAt = min(startedAt ?? time, time)
            next.lastActivityAt = max(lastActivityAt ?? time, time)
        }
        return next
    }
}
