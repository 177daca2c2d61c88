import Foundation

/// A completion tracking announced no longer holds as announced: a correction (a trainer's attendance correction,
/// a voided xAPI statement, a manager's re-evaluation) left the enrolment's course not completed, or completed with
/// fewer hours — then a completion with the next revision follows at once.
///
/// Names the ``revision`` of `tracking.course.completed.v1` it revokes and the hours that completion had
/// credited, so that a training record can take them back. Announced once per enrolment and revision: its
/// id is derived from them. Revisions follow one another: revoking revision n means every earlier one is revoked
/// too (deliveries may cross). A subscriber that receives this event after a completion of a HIGHER revision
/// ignores it.
public struct CourseCompletionRevoked: DomainEvent {
    public static let eventType: EventType = "tracking.course.completion-revoked.v1"
    public static let producer: ServiceName = .tracking

    /// Why a completion is revoked.
    public enum Cause: String, Codable, Sendable, CaseIterable {
        /// A trainer changed a participant's recorded attendance.
        case attendanceCorrected = "attendance-corrected"
        /// A statement whose progress counted was voided.
        case statementVoided = "statement-voided"
        /// Staff re-evaluated the enrolment under the rules in force.
        case reevaluated
    }

    public let enrolmentID: String
    /// The teacher's pseudonymous id: never a name or an e-mail address.
    public let participantID: String
    public let sessionID: String
    /// The course version the session pins.
    public let course: CourseVersionRef
    public let academy: String
    public let schoolLevel: SchoolLevel
    /// The revision of the completion revoked.
    public let revision: Int
    /// The id of the `tracking.course.completed.v1` event revoked.
    public let completionEventID: String
    /// Minutes at a distance the revoked completion had credited.
    public let distanceMinutes: Int
    /// Minutes in person the revoked completion had credited.
    public let inPersonMinutes: Int
    public let cause: Cause
    /// When tracking recorded the correction.
    public let revokedAt: Date
    /// The version of the completion rules that decided.
    public let ruleVersion: Int

    public var subject: String { enrolmentID }

    public init(
        enrolmentID: String, participantID: String, sessionID: String, course: CourseVersionRef, academy: String,
        schoolLevel: SchoolLevel, revision: Int, completionEventID: String, distanceMinutes: Int,
        inPersonMinutes: Int, cause: Cause, revokedAt: Date, ruleVersion: Int
    ) {
        self.enrolmentID = enrolmentID
        self.participantID = participantID
        self.sessionID = sessionID
        self.course = course
        self.academy = academy
        self.schoolLevel = schoolLevel
        self.revision = revision
        self.completionEventID = completionEventID
        self.distanceMinutes = distanceMinutes
        self.inPersonMinutes = inPersonMinutes
        self.cause = cause
        self.revokedAt = revokedAt
        self.ruleVersion = ruleVersion
    }
}
