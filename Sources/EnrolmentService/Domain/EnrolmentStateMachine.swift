import Contracts

/// The one enrolment state machine: which command moves which state where.
///
/// ```
/// applied    ─approve→ approved | waitlisted (full)   ─refuse→ refused    ─withdraw→ withdrawn
/// designated ─accept→  approved | waitlisted (full)   ─withdraw→ withdrawn (declined)
/// waitlisted ─promote→ approved (needs a free seat)   ─withdraw→ withdrawn
/// approved   ─complete→ completed                     ─withdraw→ withdrawn
/// completed  ─revokeCompletion→ approved (tracking's correction)
/// refused, withdrawn: final; completed: final but for a correction
/// ```
/// Seat accounting is the caller's: it says whether a seat is free, inside the transaction that
/// decides, so that the decision and the count cannot drift apart.
public enum EnrolmentStateMachine {
    /// The state after `command`, or the typed error naming the current state.
    public static func next(
        from state: EnrolmentState, on command: EnrolmentCommand, seatFree: Bool
    ) throws(IllegalEnrolmentTransition) -> EnrolmentState {
        switch (state, command) {
        case (.applied, .approve), (.designated, .accept):
            return seatFree ? .approved : .waitlisted
        case (.applied, .refuse):
            return .refused
        case (.applied, .withdraw), (.designated, .withdraw), (.waitlisted, .withdraw), (.approved, .withdraw):
            return .withdrawn
        case (.waitlisted, .promote):
            guard seatFree else {
                throw IllegalEnrolmentTransition(
                    command: command, currentState: state, reason: "no seat is free in the session to promote into")
            }
            return .approved
        case (.approved, .complete):
            return .completed
        case (.completed, .revokeCompletion):
            return .approved
        default:
            throw IllegalEnrolmentTransition(command: command, currentState: state)
        }
    }

    /// The state a new enrolment starts in, by the way the teacher comes in.
    public static func initial(_ entry: EnrolmentEntry, seatFree: Bool) -> EnrolmentState {
        switch entry {
        case .application: return .applied
        case .designation(acceptanceRequired: true): return .designated
        case .designation(acceptanceRequired: false), .selfEnrolment: return seatFree ? .approved : .waitlisted
        }
    }
}

/// How a teacher comes into a session; each needs the session's matching ``Contracts/EnrolmentMode``.
public enum EnrolmentEntry: Sendable, Equatable {
    /// The teacher applies (mode `application`).
    case application
    /// A manager designates the teacher (mode `designation`).
    case designation(acceptanceRequired: Bool)
    /// The teacher enrols themself while seats remain (mode `open`).
    case selfEnrolment

    /// The session mode this way in needs.
    public var mode: EnrolmentMode {
        switch self {
        case .application: return .application
        case .designation: return .designation
        case .selfEnrolment: return .open
        }
    }
}
