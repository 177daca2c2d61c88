/// Why the catalogue refuses a change to a course: the domain's errors, free of HTTP.
public enum CatalogRuleError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The content breaks one or more rules; each issue names its field.
    case invalid([ValidationIssue])
    /// The course is archived: it can no longer be edited, published or derived from.
    case archived(courseID: String)
    /// Publishing needs pending changes: the latest version already is the current content.
    case nothingToPublish(courseID: String, latestVersion: Int)
    /// The draft has no activity with this id.
    case unknownActivity(String)
    /// The source of a derivation has no such published version.
    case unknownVersion(CourseVersionNumber)

    /// The version a derivation asked for, for ``unknownVersion``.
    public typealias CourseVersionNumber = Int

    public var description: String {
        switch self {
        case .invalid(let issues): return issues.map(\.description).joined(separator: "; ")
        case .archived(let id): return "course \(id) is archived"
        case .nothingToPublish(let id, let version):
            return "course \(id) has no changes since version \(version)"
        case .unknownActivity(let id): return "no activity with id '\(id)' in the draft"
        case .unknownVersion(let number): return "no published version \(number)"
        }
    }
}
