import Foundation

/// A participant completed their session's course: every required activity is done, passed or attended.
///
/// The event other systems of the education system subscribe to (HR records, attestations). Announced
/// once per enrolment and rule version: its event id is derived from them. Hours are credited per
/// modality, in whole minutes, from the activities actually completed or attended.
public struct CourseCompleted: DomainEvent {
    public static let eventType: EventType = "tracking.course.completed.v1"
    public static let producer: ServiceName = .tracking

    public let enrolmentID: String
    /// The teacher's pseudonymous id: never a name or an e-mail address.
    public let participantID: String
    public let sessionID: String
    /// The course version the session pins.
    public let course: CourseVersionRef
    /// The academy running the session, e.g. `lyon`.
    public let academy: String
    public let schoolLevel: SchoolLevel
    public let completedAt: Date
    /// Minutes credited for activities done at a distance (digital training).
    public let distanceMinutes: Int
    /// Minutes credited for activities done in person.
    public let inPersonMinutes: Int
    /// The criteria of the rules that were met, e.g. `required-activities-completed`.
    public let criteriaMet: [String]
    /// The version of the completion rules that decided.
    public let ruleVersion: Int

    public var subject: String { enrolmentID }

    public init(
        enrolmentID: String, participantID: String, sessionID: String, course: CourseVersionRef, academy: String,
        schoolLevel: SchoolLevel, completedAt: Date, distanceMinutes: Int, inPersonMinutes: Int,
        criteriaMet: [String], ruleVersion: Int
    ) {
        self.enrolmentID = enrolmentID
        self.participantID = participantID
        self.sessionID = sessionID
        self.course = course
        self.academy = academy
        self.schoolLevel = schoolLevel
        self.completedAt = completedAt
        self.distanceMinutes = distanceMinutes
        self.inPersonMinutes = inPersonMinutes
        self.criteriaMet = criteriaMet
        self.ruleVersion = ruleVersion
    }
}
