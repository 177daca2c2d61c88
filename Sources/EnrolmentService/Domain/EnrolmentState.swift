/// Where a teacher's enrolment in a session stands.
///
/// `waitlisted` carries no position: the position is derived from the order of arrival among the
/// session's waitlisted enrolments, so it moves up by itself as teachers ahead are promoted or leave.
public enum EnrolmentState: String, Codable, Sendable, CaseIterable {
    /// The teacher applied ("candidature"); a manager decides.
    case applied
    /// A manager designated the teacher, who must accept.
    case designated
    /// The teacher holds a seat.
    case approved
    /// A manager refused the application. Final.
    case refused
    /// The session was full: the teacher waits for a seat, first come, first served.
    case waitlisted
    /// The teacher left, or was withdrawn. Final.
    case withdrawn
    /// The teacher completed the course. Final.
    case completed

    /// Whether the enrolment holds one of the session's seats.
    public var holdsSeat: Bool { self == .approved || self == .completed }

    /// Whether no command changes it any more.
    public var isFinal: Bool { self == .refused || self == .withdrawn || self == .completed }

    /// Whether it still counts as the teacher's enrolment in the session (a teacher has at most one).
    public var isActive: Bool { self != .refused && self != .withdrawn }
}
