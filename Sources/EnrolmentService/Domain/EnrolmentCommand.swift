/// What may be asked of an existing enrolment.
public enum EnrolmentCommand: String, Codable, Sendable, CaseIterable {
    /// A manager approves an application (the teacher is waitlisted when the session is full).
    case approve
    /// A manager refuses an application.
    case refuse
    /// A designated teacher accepts the designation (waitlisted when the session is full).
    case accept
    /// The teacher leaves, or a manager withdraws them; declining a designation is a withdrawal too.
    case withdraw
    /// A waitlisted teacher gets a freed seat.
    case promote
    /// The teacher completed the course (from tracking, or by a manager).
    case complete
    /// Tracking revoked the completion it had announced (a correction): the enrolment is back in progress.
    case revokeCompletion
}
