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
    private let pages = Mutex(PageCache())
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
    ///
    /// Concurrent misses of one page share one build: right after a publication every popular page is a miss
    /// at once, and with many connections each would otherwise be built by every request that asked for it
    /// (with 10,000 courses, tens of milliseconds each), all of them waiting behind each other.
    func encodedPage(
        for query: CatalogueQuery, generation: Int, build: @escaping @Sendable () async throws -> Data
    ) async throws -> Data {
        let key = PageKey(query: query, generation: generation)
        let (cached, task) = pages.withLock { cache -> (Data?, Task<Data, any Error>?) in
            if cache.generation == generation, let body = cache.bodies[query] { return (body, nil) }
            if let running = cache.building[key] { return (nil, running) }
            // Awaited below by this request and by any other that misses the same page meanwhile.
            let started = Task { try await build() }
            cache.building[key] = started
            return (nil, started)
        }
        if let cached { return cached }
        guard let task else { preconditionFailure("a miss always has a build") }
        let result = await task.result
        pages.withLock { cache in
            cache.building[key] = nil
            guard case .success(let body) = result else { return }
            if cache.generation != generation || cache.bodies.count >= pageCacheLimit {
                guard generation >= cache.generation else { return }
                (cache.generation, cache.bodies) = (generation, [:])
            }
            cache.bodies[query] = body
        }
        return try result.get()
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

/// The encoded pages of one catalogue generation, and the builds under way (of any generation).
private struct PageCache {
    var generation = 0
    var bodies: [CatalogueQuery: Data] = [:]
    var building: [PageKey: Task<Data, any Error>] = [:]
}

private struct PageKey: Hashable {
    var query: CatalogueQuery
    var generation: Int
}
