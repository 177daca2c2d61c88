/// Whether an activity is done at a distance ("à distance", digital training) or in person ("en présentiel").
///
/// Credited hours are counted per modality: primary teachers must do at least 9 hours a year at a distance.
public enum Modality: String, Codable, Sendable, CaseIterable {
    case distance
    case inPerson
}
