/// How teachers get a seat in a session.
public enum EnrolmentMode: String, Codable, Sendable, CaseIterable {
    /// The teacher applies ("candidature"); a manager approves or refuses.
    case application
    /// A manager designates teachers ("désignation"; the IEN in primary schools).
    case designation
    /// Teachers enrol themselves while seats remain.
    case open
}
