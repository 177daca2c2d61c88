/// A session command that the session's state or rules refuse: answered with 409 and the current state.
public struct SessionRuleViolation: Error, Sendable, Equatable, CustomStringConvertible {
    public let command: String
    public let currentState: SessionState
    public let reason: String

    public init(command: String, currentState: SessionState, reason: String? = nil) {
        self.command = command
        self.currentState = currentState
        self.reason = reason ?? "a session that is \(currentState.rawValue) cannot be sent '\(command)'"
    }

    public var description: String { reason }
}
