/// The life cycle of a session: in preparation → open for enrolment → running → closed, or cancelled
/// before it closes. `closed` is the archived, final state.
public enum SessionState: String, Codable, Sendable, CaseIterable {
    case inPreparation
    case openForEnrolment
    case running
    case closed
    case cancelled

    /// Whether teachers may apply, enrol or be designated.
    public var takesEnrolments: Bool { self == .openForEnrolment }
    /// Whether managers may still decide on enrolments (approve, refuse, promote) and teachers accept.
    public var takesDecisions: Bool { self == .openForEnrolment || self == .running }
    /// Whether the session is over, by its end or by cancellation.
    public var isFinal: Bool { self == .closed || self == .cancelled }
}
