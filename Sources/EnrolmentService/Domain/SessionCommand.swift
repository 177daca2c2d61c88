/// What may be asked of a session's life cycle or staff.
public enum SessionCommand: Sendable, Equatable {
    case open
    case start
    case close
    case cancel(reason: String)
    case assignTrainers([String])
    case assignTutors([String])

    /// The command's name, as errors and history show it.
    public var name: String {
        switch self {
        case .open: "open"
        case .start: "start"
        case .close: "close"
        case .cancel: "cancel"
        case .assignTrainers: "assignTrainers"
        case .assignTutors: "assignTutors"
        }
    }
}
