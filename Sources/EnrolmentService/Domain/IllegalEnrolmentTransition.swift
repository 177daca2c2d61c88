/// A command the enrolment's current state does not allow: answered with 409 and the current state.
public struct IllegalEnrolmentTransition: Error, Sendable, Equatable, CustomStringConvertible {
    public let command: EnrolmentCommand
    public let currentState: EnrolmentState
    /// Why, when it is not just the state (e.g. no free seat to promote into).
    public let reason: String?

    public init(command: EnrolmentCommand, currentState: EnrolmentState, reason: String? = nil) {
        self.command = command
        self.currentState = currentState
        self.reason = reason
    }

    public var description: String {
        reason ?? "an enrolment that is \(currentState.rawValue) cannot be sent '\(command.rawValue)'"
    }
}
