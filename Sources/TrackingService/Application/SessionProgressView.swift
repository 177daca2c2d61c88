import Contracts
import Foundation

/// A session's progress table, for its trainers: one row per participant.
public struct SessionProgressView: Codable, Sendable, Equatable {
    /// One participant's line.
    public struct Participant: Codable, Sendable, Equatable {
        public var enrolmentID: String
        public var participantID: String
        /// `approved` or `withdrawn`.
        public var status: String
        public var percentRequiredDone: Int
        public var requiredDone: Int
        public var secondsSpent: Int
        /// Attendance by meeting / virtual class activity id, as recorded.
        public var attendance: [String: AttendanceStatus]
        /// The participant's own claims of attendance (xAPI `attended`), by activity id: for the trainers to
        /// confirm on their sheet. A claim credits nothing.
        public var attendanceClaims: [String: Date]
        public var completed: Bool
        public var completedAt: Date?
        public var lastSeenAt: Date?
    }

    public var sessionID: String
    public var partition: Int
    public var academy: String
    public var course: CourseVersionRef
    public var ruleVersion: Int
    public var requiredActivities: [String]
    public var participants: [Participant]

    init(
        session: SessionRow, enrolments: [EnrolmentRow], plan: CourseVersionRow?,
        progress: [String: [String: ActivityProgress]], completions: [String: CompletionRow], rules: CompletionRules
    ) {
        let activities = plan?.activities ?? []
        sessionID = session.sessionID
        partition = session.partition
        academy = session.academy
        course = session.course
        ruleVersion = rules.version
        requiredActivities = activities.filter(\.required).map(\.id)
        participants = enrolments.map { enrolment in
            let facts = progress[enrolment.enrolmentID] ?? [:]
            let assessment = rules.assess(
                activities: activities, groups: plan?.groups ?? [], progress: facts,
                withdrawn: enrolment.status == .withdrawn)
            let completion = completions[enrolment.enrolmentID]
            return Participant(
                enrolmentID: enrolment.enrolmentID, participantID: enrolment.participantID,
                status: enrolment.status.rawValue,
                percentRequiredDone: completion != nil ? 100 : assessment.percentRequiredDone,
                requiredDone: assessment.requiredDone, secondsSpent: facts.values.reduce(0) { $0 + $1.secondsSpent },
                attendance: facts.values.reduce(into: [:]) { result, progress in
                    if let status = progress.attendance { result[progress.activityID] = status }
                },
                attendanceClaims: facts.values.reduce(into: [:]) { result, progress in
                    if let claimed = progress.attendanceClaimedAt { result[progress.activityID] = claimed }
                },
                completed: completion != nil, completedAt: completion?.completedAt,
                lastSeenAt: facts.values.compactMap(\.lastActivityAt).max())
        }
    }
}
