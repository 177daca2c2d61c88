/// The yearly training obligation of primary teachers: 18 hours, at least 9 of them digital (distance).
public struct PrimaryObligation: Codable, Sendable, Equatable {
    public static let requiredMinutes = 18 * 60
    public static let requiredDistanceMinutes = 9 * 60

    public let requiredMinutes: Int
    public let requiredDistanceMinutes: Int
    public let doneMinutes: Int
    public let doneDistanceMinutes: Int
    /// The fewest further minutes that meet the obligation (when they are done at a distance).
    public let missingMinutes: Int
    /// Distance minutes still owed, whatever the total.
    public let missingDistanceMinutes: Int
    public let met: Bool

    public init(distanceMinutes: Int, inPersonMinutes: Int) {
        requiredMinutes = Self.requiredMinutes
        requiredDistanceMinutes = Self.requiredDistanceMinutes
        doneMinutes = distanceMinutes + inPersonMinutes
        doneDistanceMinutes = distanceMinutes
        missingDistanceMinutes = max(0, Self.requiredDistanceMinutes - distanceMinutes)
        missingMinutes = max(0, Self.requiredMinutes - doneMinutes, missingDistanceMinutes)
        met = missingMinutes == 0
    }
}
