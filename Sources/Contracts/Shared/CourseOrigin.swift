/// Who offers a course: the national offer, or one academy's offer, possibly shared nationally ("mutualisée").
public struct CourseOrigin: Codable, Sendable, Equatable {
    /// The two kinds of offer.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// "Offre nationale": designed for every academy.
        case national
        /// "Offre académique": designed by one academy.
        case academy
    }

    /// National or academic offer.
    public let kind: Kind
    /// The academy's code (e.g. `lyon`) when ``kind`` is `academy`; absent for the national offer.
    public let academy: String?
    /// Whether an academy's course is shared with the other academies; always `true` for the national offer.
    public let sharedNationally: Bool

    public init(kind: Kind, academy: String? = nil, sharedNationally: Bool) {
        self.kind = kind
        self.academy = academy
        self.sharedNationally = sharedNationally
    }

    /// The national offer.
    public static let national = CourseOrigin(kind: .national, sharedNationally: true)

    /// An academy's offer.
    public static func academy(_ code: String, sharedNationally: Bool) -> CourseOrigin {
        CourseOrigin(kind: .academy, academy: code, sharedNationally: sharedNationally)
    }
}
