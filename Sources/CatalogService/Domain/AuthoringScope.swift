import Contracts

/// The part of the offer a designer authors: the national offer, or one academy's offer.
///
/// A course's origin decides whose it is. Neither scope covers the other: national designers do
/// not edit an academy's courses (that academy's designers own them), and an academy's designers
/// do not edit the national offer. Anyone may derive from a published course of any origin, but the
/// new course must be of their own scope.
public struct AuthoringScope: Sendable, Hashable, CustomStringConvertible {
    /// The academy whose offer this is (the code of the token's academy claim); nil for the national offer.
    public let academy: String?

    public init(academy: String?) {
        self.academy = academy
    }

    public static let national = AuthoringScope(academy: nil)

    /// Whether a course of this origin is in the scope.
    public func covers(_ origin: CourseOrigin) -> Bool {
        switch origin.kind {
        case .national: academy == nil
        case .academy: academy != nil && origin.academy == academy
        }
    }

    /// Refuses a course unless every origin it has (its draft's and its latest version's) is in the scope.
    public func check(_ course: Course) throws(Refusal) {
        let origins = [course.draft?.origin, course.latestVersion?.content.origin].compactMap { $0 }
        if let outside = origins.first(where: { !covers($0) }) {
            throw Refusal(scope: self, origin: outside)
        }
    }

    public var description: String {
        academy.map { "the offer of academy \($0)" } ?? "the national offer"
    }

    /// A course outside the designer's scope: the caller may not create, read the draft of, change or derive into it.
    public struct Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        public let scope: AuthoringScope
        public let origin: CourseOrigin

        public init(scope: AuthoringScope, origin: CourseOrigin) {
            self.scope = scope
            self.origin = origin
        }

        public var description: String {
            let owner =
                origin.kind == .national
                ? "the national offer" : "the offer of academy \(origin.academy ?? "(none)")"
            return "this course belongs to \(owner); this designer authors \(scope) only"
        }
    }
}
