import Foundation

/// A district's training plan for a school year was published (issue 16): which sessions answer which need of the
/// district's diagnosis, and which teachers are planned into each session. A published version never changes; a new
/// version supersedes it, announced by another event of this type with a higher `version`.
///
/// Other systems (human resources, the academy's information system) keep the latest version per plan: the plan is
/// the `subject` (`academy/district/schoolYear`), and a lower version than the one kept is an older announcement.
public struct TrainingPlanPublished: DomainEvent {
    public static let eventType: EventType = "enrolment.plan.published.v1"
    public static let producer: ServiceName = .enrolment

    /// One need of the diagnosis (a theme) and the sessions the plan answers it with.
    public struct Answer: Codable, Sendable, Equatable {
        /// The theme, as the diagnosis names it.
        public let theme: String
        /// The catalogue domain of the theme.
        public let domain: String
        /// 1 (highest) to 3.
        public let priority: Int
        public let sessions: [PlannedSession]

        public init(theme: String, domain: String, priority: Int, sessions: [PlannedSession]) {
            self.theme = theme
            self.domain = domain
            self.priority = priority
            self.sessions = sessions
        }
    }

    public typealias PlannedSession = Contracts.PlannedSession
    public typealias Assignment = PlanAssignment

    public let academy: String
    /// The primary district ("circonscription") the plan is for.
    public let district: String
    public let schoolYear: SchoolYear
    /// 1, 2, … : each publication of the plan is a new version.
    public let version: Int
    /// The version this one replaces, when there was one.
    public let supersedesVersion: Int?
    public let answers: [Answer]
    public let assignments: [Assignment]
    /// The pseudonymous id of the inspector or manager who published it.
    public let actorID: String
    public let occurredAt: Date

    public var subject: String { "\(academy)/\(district)/\(schoolYear)" }

    public init(
        academy: String, district: String, schoolYear: SchoolYear, version: Int, supersedesVersion: Int?,
        answers: [Answer], assignments: [Assignment], actorID: String, occurredAt: Date
    ) {
        self.academy = academy
        self.district = district
        self.schoolYear = schoolYear
        self.version = version
        self.supersedesVersion = supersedesVersion
        self.answers = answers
        self.assignments = assignments
        self.actorID = actorID
        self.occurredAt = occurredAt
    }
}
