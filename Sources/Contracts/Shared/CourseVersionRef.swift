/// A published, immutable version of a course: what sessions pin and derivations point to.
public struct CourseVersionRef: Codable, Sendable, Hashable {
    /// The course's id in the catalogue.
    public let courseID: String
    /// The version number, from 1, increasing with each publication.
    public let version: Int

    public init(courseID: String, version: Int) {
        self.courseID = courseID
        self.version = version
    }
}
