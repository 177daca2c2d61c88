import Foundation

/// A participant completed their session's course: every required activity is done, passed or attended.
///
/// The event other systems of the education system subscribe to (HR records, attestations). Announced
/// once per enrolment and ``revision``: its event id is derived from them. Hours are credited per
/// modality, in whole minutes, from the activities actually completed or attended.
///
/// A completion can be corrected (a trainer's attendance correction, a voided xAPI statement, a
/// re-evaluation): tracking then announces `tracking.course.completion-revoked.v1` for this revision, and if
/// the participant completes again, a completion with the next revision. A subscriber keeps, per enrolment,
/// the highest revision it has seen and ignores anything older.
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
    /// 1 for an enrolment's first completion, then one more after each revocation. Absent in events
    /// produced before corrections existed: 1.
    public let revision: Int
    /// The revision of the course version's completion rules that decided: 1 as published, then the designer's
    /// corrections (`catalog.course.rules-revised.v1`). Absent in events produced before corrections existed: 1.
    public let rulesRevision: Int

    public var subject: String { enrolmentID }

    public init(
        enrolmentID: String, participantID: String, sessionID: String, course: CourseVersionRef, academy: String,
        schoolLevel: SchoolLevel, completedAt: Date, distanceMinutes: Int, inPersonMinutes: Int,
        criteriaMet: [String], ruleVersion: Int, revision: Int = 1, rulesRevision: Int = 1
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
        self.revision = revision
        self.rulesRevision = rulesRevision
    }

    private enum CodingKeys: String, CodingKey {
        case enrolmentID, participantID, sessionID, course, academy, schoolLevel, completedAt, distanceMinutes
        case inPersonMinutes, criteriaMet, ruleVersion, revision, rulesRevision
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        enrolmentID = try container.decode(String.self, forKey: .enrolmentID)
        participantID = try container.decode(String.self, forKey: .participantID)
        sessionID = try container.decode(String.self, forKey: .sessionID)
        course = try container.decode(CourseVersionRef.self, forKey: .course)
        academy = try container.decode(String.self, forKey: .academy)
        schoolLevel = try container.decode(SchoolLevel.self, forKey: .schoolLevel)
        completedAt = try container.decode(Date.self, forKey: .completedAt)
        distanceMinutes = try container.decode(Int.self, forKey: .distanceMinutes)
        inPersonMinutes = try container.decode(Int.self, forKey: .inPersonMinutes)
        criteriaMet = try container.decode([String].self, forKey: .criteriaMet)
        ruleVersion = try container.decode(Int.self, forKey: .ruleVersion)
        revision = try container.decodeIfPresent(Int.self, forKey: .revision) ?? 1
        rulesRevision = try container.decodeIfPresent(Int.self, forKey: .rulesRevision) ?? 1
    }
}
