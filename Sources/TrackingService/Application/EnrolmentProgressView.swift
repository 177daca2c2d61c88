import Contracts
import Foundation

/// One enrolment's progress, activity by activity, as the teacher sees it.
public struct EnrolmentProgressView: Codable, Sendable, Equatable {
    /// Progress on one activity of the course version.
    public struct Activity: Codable, Sendable, Equatable {
        public var activityID: String
        public var title: String
        public var kind: ActivityKind
        public var modality: Modality
        public var required: Bool
        public var estimatedMinutes: Int
        public var passThreshold: Double?
        public var startedAt: Date?
        public var secondsSpent: Int
        /// Done as the completion rules define it (quiz passed, meeting attended, otherwise completed).
        public var done: Bool
        public var doneAt: Date?
        public var bestScore: Double?
        public var attendance: AttendanceStatus?
        /// When the participant declared they attended (a claim; only the trainers' sheet credits it).
        public var attendanceClaimedAt: Date?
        public var lastActivityAt: Date?
    }

    /// The recorded course completion.
    public struct Completion: Codable, Sendable, Equatable {
        public var completedAt: Date
        public var ruleVersion: Int
        /// 1 for the first completion, one more after each correction that revoked one.
        public var revision: Int
        /// The revision of the course version's rules that decided.
        public var rulesRevision: Int
        public var criteriaMet: [String]
        public var distanceMinutes: Int
        public var inPersonMinutes: Int
    }

    public var enrolmentID: String
    public var sessionID: String
    public var participantID: String
    public var course: CourseVersionRef
    /// `approved` or `withdrawn`.
    public var status: String
    public var activities: [Activity]
    public var requiredTotal: Int
    public var requiredDone: Int
    public var percentRequiredDone: Int
    public var secondsSpent: Int
    public var lastActivityAt: Date?
    /// Minutes credited so far from the activities done, by modality.
    public var creditedDistanceMinutes: Int
    public var creditedInPersonMinutes: Int
    /// Present once the course is completed.
    public var completion: Completion?

    init(
        session: SessionRow, enrolment: EnrolmentRow, plan: CourseVersionRow?, progress: [String: ActivityProgress],
        completion: CompletionRow?, rules: CompletionRules
    ) {
        let activities = plan?.activities ?? []
        let assessment = rules.assess(
            activities: activities, groups: plan?.groups ?? [], progress: progress,
            withdrawn: enrolment.status == .withdrawn)
        let done = Dictionary(uniqueKeysWithValues: assessment.done.map { ($0.activity.id, $0) })
        enrolmentID = enrolment.enrolmentID
        sessionID = session.sessionID
        participantID = enrolment.participantID
        course = session.course
        status = enrolment.status.rawValue
        self.activities = activities.map { activity in
            let facts = progress[activity.id]
            return Activity(
                activityID: activity.id, title: activity.title, kind: activity.kind, modality: activity.modality,
                required: activity.required, estimatedMinutes: activity.estimatedMinutes,
                passThreshold: activity.passThreshold, startedAt: facts?.startedAt,
                secondsSpent: facts?.secondsSpent ?? 0, done: done[activity.id] != nil,
                doneAt: done[activity.id]?.doneAt,
                bestScore: facts?.bestScore, attendance: facts?.attendance,
                attendanceClaimedAt: facts?.attendanceClaimedAt,
                lastActivityAt: facts?.lastActivityAt)
        }
        requiredTotal = assessment.requiredTotal
        requiredDone = assessment.requiredDone
        percentRequiredDone = completion != nil ? 100 : assessment.percentRequiredDone
        secondsSpent = progress.values.reduce(0) { $0 + $1.secondsSpent }
        lastActivityAt = progress.values.compactMap(\.lastActivityAt).max()
        creditedDistanceMinutes = assessment.distanceMinutes
        creditedInPersonMinutes = assessment.inPersonMinutes
        self.completion = completion.map {
            Completion(
                completedAt: $0.completedAt, ruleVersion: $0.ruleVersion, revision: $0.revision,
                rulesRevision: $0.rulesRevision,
                criteriaMet: $0.criteriaMet,
                distanceMinutes: $0.distanceMinutes, inPersonMinutes: $0.inPersonMinutes)
        }
    }
}
