/// The teachers a course is designed for ("public cible").
public struct Audience: Codable, Sendable, Equatable {
    /// One level, or both for an inter-level course ("inter-degrés").
    public let schoolLevels: [SchoolLevel]
    /// The disciplines concerned, e.g. `Mathématiques`; empty when the course is not discipline-specific.
    public let disciplines: [String]
    /// The grade levels concerned, e.g. `CP`, `CE1`, `6e`; empty when not relevant.
    public let gradeLevels: [String]

    public init(schoolLevels: [SchoolLevel], disciplines: [String] = [], gradeLevels: [String] = []) {
        self.schoolLevels = schoolLevels
        self.disciplines = disciplines
        self.gradeLevels = gradeLevels
    }

    private enum CodingKeys: String, CodingKey { case schoolLevels, disciplines, gradeLevels }

    /// Disciplines and grade levels may be left out (read as empty); school levels are required.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        schoolLevels = try container.decode([SchoolLevel].self, forKey: .schoolLevels)
        disciplines = try container.decodeIfPresent([String].self, forKey: .disciplines) ?? []
        gradeLevels = try container.decodeIfPresent([String].self, forKey: .gradeLevels) ?? []
    }
}
