import Contracts

/// How a course is followed as a whole, as the offer's "modalité" filter shows it.
public enum CourseModality: String, Codable, Sendable, CaseIterable {
    /// Every activity is done at a distance.
    case distance
    /// Some activities at a distance, some in person.
    case hybrid
    /// Every activity is done in person.
    case inPerson
}

/// The figures computed from a course's activities, never typed in: hours per modality and the
/// duration class the offer filters on. Optional activities count too (the designer's full estimate).
public struct CourseFigures: Codable, Sendable, Equatable {
    public var distanceMinutes: Int
    public var inPersonMinutes: Int
    public var durationBucket: DurationBucket
    /// Nil for a course without activities.
    public var modality: CourseModality?

    public init(activities: [Activity]) {
        // A draft's figures are shown before it is validated: each activity counts within its valid range, so a
        // hostile estimate (Int.max, twice) cannot overflow the sum.
        func minutes(_ modality: Modality) -> Int {
            activities.filter { $0.modality == modality }
                .reduce(0) { $0 + min(max(0, $1.estimatedMinutes), Activity.maximumMinutes) }
        }
        distanceMinutes = minutes(.distance)
        inPersonMinutes = minutes(.inPerson)
        durationBucket = DurationBucket(totalMinutes: distanceMinutes + inPersonMinutes)
        modality = Self.modality(distance: distanceMinutes, inPerson: inPersonMinutes, count: activities.count)
    }

    public init(snapshot: CoursePublished) {
        distanceMinutes = snapshot.distanceMinutes
        inPersonMinutes = snapshot.inPersonMinutes
        durationBucket = snapshot.durationBucket
        let count = snapshot.activities.count
        modality = Self.modality(
            distance: snapshot.activities.contains { $0.modality == .distance } ? 1 : 0,
            inPerson: snapshot.activities.contains { $0.modality == .inPerson } ? 1 : 0, count: count)
    }

    public var totalMinutes: Int { distanceMinutes + inPersonMinutes }

    private static func modality(distance: Int, inPerson: Int, count: Int) -> CourseModality? {
        guard count > 0 else { return nil }
        switch (distance > 0, inPerson > 0) {
        case (true, true): return .hybrid
        case (false, true): return .inPerson
        default: return .distance
        }
    }
}
