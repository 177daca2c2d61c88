import Contracts
import Foundation

/// An immutable picture of the published catalogue, answered from memory.
///
/// A new snapshot replaces the old one on each publication or archival; readers keep whichever
/// snapshot they took, so one request always sees a consistent catalogue and paging is stable
/// between two publications.
public struct CatalogueSnapshot: Sendable {
    /// Increases with every change; also keys the full-text result cache.
    public let generation: Int
    public let entries: [String: CatalogueEntry]
    /// The courses in the offer, most recently published first, then by id: the listing order.
    public let newestFirst: [CatalogueEntry]

    public init(generation: Int, entries: [String: CatalogueEntry]) {
        self.generation = generation
        self.entries = entries
        newestFirst = entries.values.filter(\.isInOffer).sorted(by: Self.newerFirst)
    }

    public static let empty = CatalogueSnapshot(generation: 0, entries: [:])

    /// The snapshot with `entry` replacing the course's previous entry (ignored when not newer).
    public func replacing(with entry: CatalogueEntry) -> CatalogueSnapshot {
        if let current = entries[entry.courseID], current.revision >= entry.revision { return self }
        var entries = entries
        entries[entry.courseID] = entry
        return CatalogueSnapshot(generation: generation + 1, entries: entries)
    }

    static func newerFirst(_ a: CatalogueEntry, _ b: CatalogueEntry) -> Bool {
        let (left, right) = (a.latest.publishedAt, b.latest.publishedAt)
        return left != right ? left > right : a.courseID < b.courseID
    }
}
