/// Who is responsible for a course and answers questions about it.
///
/// An organisation's label and, optionally, the pseudonymous id of its designer: events never carry a
/// person's name or e-mail address.
public struct CourseOwner: Codable, Sendable, Equatable {
    /// The responsible organisation, e.g. `DGESCO` or `EAFC de l'académie de Lyon`.
    public let organisation: String
    /// The pseudonymous id of the designer who published the version.
    public let designerID: String?

    public init(organisation: String, designerID: String? = nil) {
        self.organisation = organisation
        self.designerID = designerID
    }
}
