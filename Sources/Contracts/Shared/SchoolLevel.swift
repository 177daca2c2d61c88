/// The school level a course, a session or a teacher belongs to ("premier degré" / "second degré").
///
/// Primary teachers owe 18 hours of training a year, at least 9 of them at a distance.
public enum SchoolLevel: String, Codable, Sendable, CaseIterable {
    /// "Premier degré": nursery and elementary schools, organised by district ("circonscription").
    case primary
    /// "Second degré": lower and upper secondary schools, trained through the academy's PAF.
    case secondary
}
