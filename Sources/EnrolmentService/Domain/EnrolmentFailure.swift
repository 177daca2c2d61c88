/// Failures of enrolment use cases that are neither a state transition nor a plan rule.
public enum EnrolmentFailure: Error, Sendable, Equatable {
    /// No session, enrolment… with this id.
    case notFound(what: String, id: String)
    /// The teacher already has an active enrolment in the session.
    case alreadyEnrolled(enrolmentID: String, state: EnrolmentState)
}
