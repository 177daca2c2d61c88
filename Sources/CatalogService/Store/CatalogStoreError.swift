/// Why the store refused an operation (beside the domain's own ``CatalogRuleError``).
public enum CatalogStoreError: Error, Sendable, Equatable {
    /// No course with this id.
    case courseNotFound(String)
    /// The course changed since the caller read it (optimistic concurrency); `current` is its revision now.
    case revisionMismatch(current: Int)
    /// A course with this id already exists.
    case courseExists(String)
    /// The course has no published version with this number.
    case versionNotFound(courseID: String, version: Int)
}
