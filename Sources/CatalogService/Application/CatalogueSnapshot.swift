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

    private init(generation: Int, entries: [String: CatalogueEntry], newestFirst: [CatalogueEntry]) {
        self.generation = generation
        self.entries = entries
        self.newestFirst = newestFirst
    }

    public static let empty = CatalogueSnapshot(generation: 0, entries: [:])

    /// The snapshot with `entry` replacing the course's previous entry (ignored when not newer).
    ///
    /// The listing order is kept by moving the one course (two binary searches) rather than sorting the
    /// whole catalogue again: a publication costs a copy of the catalogue, not a sort of it (with
    /// 10,000 courses the sort made every publication take tens of milliseconds, readers waiting meanwhile).
    public func replacing(with entry: CatalogueEntry) -> CatalogueSnapshot {
        let previous = entries[entry.courseID]
        if let previous, previous.revision >= entry.revision { return self }
        var entries = entries
        entries[entry.courseID] = entry
        var listing = newestFirst
        if let previous, previous.isInOffer {
            let index = Self.position(of: previous, in: listing)
            if index < listing.count, listing[index].courseID == previous.courseID { listing.remove(at: index) }
        }
        if entry.isInOffer { listing.insert(entry, at: Self.position(of: entry, in: listing)) }
        return CatalogueSnapshot(generation: generation + 1, entries: entries, newestFirst: listing)
    }

    /// The first index of `listing` (ordered by ``newerFirst``) whose entry is not newer than `entry`.
    private static func position(of entry: CatalogueEntry, in listing: [CatalogueEntry]) -> Int {
        var (low, high) = (0, listing.count)
        while low < high {
            let middle = (low + high) / 2
            if newerFirst(listing[middle], entry) { low = middle + 1 } else { high = middle }
        }
        return low
    }

    static func newerFirst(_ a: CatalogueEntry, _ b: CatalogueEntry) -> Bool {
        let (left, right) = (a.latest.publishedAt, b.latest.publishedAt)
        return left != right ? left > right : a.courseID < b.courseID
    }
}
