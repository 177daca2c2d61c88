import Contracts
import Foundation
import Synchronization

/// The read side of the catalogue: an in-memory ``CatalogueSnapshot`` swapped atomically after each
/// publication or archival, and a small cache of full-text results.
///
/// Why memory: reads dominate (every teacher browsing at the start of a campaign) and the published
/// catalogue only changes when a designer publishes or archives. Getting a course, a version, a
/// listing or facet counts costs no database round trip; taking the snapshot is one uncontended
/// lock and a reference-count increment. Full-text matching and ranking use SQLite FTS5 (diacritics
/// folded), and the ranked ids per normalised query are cached for the current snapshot generation,
/// so repeated searches are answered from memory too; the cache is emptied whenever the catalogue changes.
/// Listing and search pages are kept encoded, per query and generation: a popular page costs neither a search
/// nor JSON encoding until the next publication or archival.
public final class PublishedCatalogue: Sendable {
    private let current = Mutex(CatalogueSnapshot.empty)
    private let textResults = Mutex<(generation: Int, ids: [String: [String]])>((0, [:]))
    private let pages = Mutex<(generation: Int, bodies: [CatalogueQuery: Data])>((0, [:]))
    /// Bounds the caches; past it a cache starts afresh (cheap, and popular queries come back at once).
    private let cacheLimit = 2_000
    /// Encoded pages are larger than id lists: fewer are kept (a page of 20 summaries is ~10–20 KiB).
    private let pageCacheLimit = 256

    public init() {}

    /// The current snapshot.
    public var snapshot: CatalogueSnapshot { current.withLock { $0 } }

    /// Replaces the whole catalogue (at start-up, from the store).
    public func load(_ courses: [(course: Course, versions: [CoursePublished])]) {
        let entries = courses.filter { !$0.versions.isEmpty }.map {
            CatalogueEntry(course: $0.course, versions: $0.versions)
        }
        current.withLock { snapshot in
            snapshot = CatalogueSnapshot(
                generation: snapshot.generation + 1,
                entries: Dictionary(entries.map { ($0.courseID, $0) }, uniquingKeysWith: { $1 }))
        }
    }

    /// Records a course's new state after a committed publication or archival.
    public func apply(_ course: Course, versions: [CoursePublished]) {
        guard !versions.isEmpty else { return }
        let entry = CatalogueEntry(course: course, versions: versions)
        current.withLock { $0 = $0.replacing(with: entry) }
    }

    /// The encoded page answering `query` in `generation`, built and encoded by `build` on a cache miss.
    func encodedPage(
        for query: CatalogueQuery, generation: Int, build: () async throws -> Data
    ) async throws -> Data {
        if let cached = pages.withLock({ $0.generation == generation ? $0.bodies[query] : nil }) { return cached }
        let body = try await build()
        pages.withLock { cache in
            if cache.generation != generation || cache.bodies.count >= pageCacheLimit { cache = (generation, [:]) }
            cache.bodies[query] = body
        }
        return body
    }

    /// Ranked ids for `query` in `generation`, computing them with `rank` on a cache miss.
    func rankedIDs(
        for query: String, generation: Int, rank: (String) async throws -> [String]
    ) async throws -> [String] {
        let key = query.lowercased().folding(options: [.diacriticInsensitive], locale: nil)
        let cached = textResults.withLock { cache -> [String]? in
            cache.generation == generation ? cache.ids[key] : nil
        }
        if let cached { return cached }
        let ids = try await rank(query)
        textResults.withLock { cache in
            if cache.generation != generation || cache.ids.count >= cacheLimit { cache = (generation, [:]) }
            cache.ids[key] = ids
        }
        return ids
    }
}
