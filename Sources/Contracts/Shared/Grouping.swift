/// Whether a participant does an activity alone or with the group of the session.
public enum Grouping: String, Codable, Sendable, CaseIterable {
    case individual
    case collective
}
