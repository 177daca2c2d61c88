import Foundation

/// An academy's training plan for the secondary (PAF, "plan académique de formation") for a school year was
/// published (issue 16): its modules, the sessions that implement each of them, and the teachers designated into
/// them (a module's other sessions are open to applications). A published version never changes; a new version
/// supersedes it, announced by another event of this type with a higher `version`.
///
/// The plan is the `subject` (`academy/schoolYear`): a subscriber keeps the highest version.
public struct AcademyPlanPublished: DomainEvent {
    public static let eventType: EventType = "enrolment.paf.published.v1"
    public static let producer: ServiceName = .enrolment

    /// A module of the plan and the sessions that implement it.
    public struct Module: Codable, Sendable, Equatable {
        /// The module's code in the academy's plan, as sessions carry it (`pafModule`).
        public let module: String
        public let sessions: [PlannedSession]

        public init(module: String, sessions: [PlannedSession]) {
            self.module = module
            self.sessions = sessions
        }
    }

    public let academy: String
    public let schoolYear: SchoolYear
    /// 1, 2, … : each publication of the plan is a new version.
    public let version: Int
    /// The version this one replaces, when there was one.
    public let supersedesVersion: Int?
    public let modules: [Module]
    /// The teachers designated by the plan, each into a session.
    public let assignments: [PlanAssignment]
    /// The pseudonymous id of the manager who published it.
    public let actorID: String
    public let occurredAt: Date

    public var subject: String { "\(academy)/\(schoolYear)" }

    public init(
        academy: String, schoolYear: SchoolYear, version: Int, supersedesVersion: Int?, modules: [Module],
        assignments: [PlanAssignment], actorID: String, occurredAt: Date
    ) {
        self.academy = academy
        self.schoolYear = schoolYear
        self.version = version
        self.supersedesVersion = supersedesVersion
        self.modules = modules
        self.assignments = assignments
        self.actorID = actorID
        self.occurredAt = occurredAt
    }
}
