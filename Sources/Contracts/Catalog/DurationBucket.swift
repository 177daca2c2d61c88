/// The duration class of a course, as M@gistère's offer filters it ("durée").
///
/// Bounds, on the total of distance and in-person minutes: under 3 h; from 3 h up to and including 6 h;
/// over 6 h up to and including 9 h; over 9 h.
public enum DurationBucket: String, Codable, Sendable, CaseIterable {
    case lessThan3h
    case from3To6h
    case from6To9h
    case moreThan9h

    /// The class of a course lasting `totalMinutes`.
    public init(totalMinutes: Int) {
        switch totalMinutes {
        case ..<180: self = .lessThan3h
        case 180...360: self = .from3To6h
        case 361...540: self = .from6To9h
        default: self = .moreThan9h
        }
    }
}
