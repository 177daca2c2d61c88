import Contracts
import Foundation

/// One page of the offer, with facet counts.
public struct CataloguePage: Codable, Sendable, Equatable {
    /// One course in a listing: its latest published version, summarised.
    public struct Item: Codable, Sendable, Equatable {
        public var courseID: String
        public var version: Int
        public var title: String
        public var summary: String
        public var domain: String
        public var schoolLevels: [SchoolLevel]
        public var origin: CourseOrigin
        public var nature: Nature
        public var modality: CourseModality?
        public var durationBucket: DurationBucket
        public var distanceMinutes: Int
        public var inPersonMinutes: Int
        public var publishedAt: Date
        public var derivedFrom: CourseVersionRef?
    }

    /// How many matching courses have one facet value.
    public struct FacetCount: Codable, Sendable, Equatable {
        public var value: String
        public var count: Int
    }

    public var items: [Item]
    /// Matching courses in all pages.
    public var total: Int
    public var page: Int
    public var limit: Int
    /// Per facet (`origin`, `academy`, `schoolLevel`, `domain`, `modality`, `nature`, `duration`), the
    /// counts of each value, largest first.
    public var facets: [String: [FacetCount]]
}

/// Filters, orders, pages and counts facets over a ``CatalogueSnapshot``, in memory.
///
/// Facets are disjunctive, as offer filters usually are: each facet's counts apply every filter
/// except that facet's own, so the page shows how many courses choosing another value would give.
/// The order is total (ties broken by course id), so pages neither repeat nor skip a course while
/// the snapshot is the same.
public enum CatalogueSearch {
    /// The names of the facets, as query parameters and in ``CataloguePage/facets``.
    public static let facetNames = ["origin", "academy", "schoolLevel", "domain", "modality", "nature", "duration"]

    /// Answers `query`; `rankedIDs` is the full-text ranking when the query has words.
    public static func run(
        _ query: CatalogueQuery, in snapshot: CatalogueSnapshot, rankedIDs: [String]?
    ) -> CataloguePage {
        let candidates: [CatalogueEntry]
        if let rankedIDs {
            let ranked = rankedIDs.compactMap { snapshot.entries[$0] }.filter(\.isInOffer)
            candidates = query.sort == .relevance ? ranked : ranked.sorted(by: CatalogueSnapshot.newerFirst)
        } else {
            candidates = snapshot.newestFirst
        }
        // Each facet's filter, folded once; an entry's values were folded when the entry was built. A miss of
        // the page cache runs this loop over the whole offer, so it stays free of per-entry allocation and of
        // locale-aware comparison.
        let filters = wantedKeys(query).enumerated().compactMap { facet, key in key.map { (facet, $0) } }
        var counts = [[String: Int]](repeating: [:], count: facetNames.count)
        var matches: [CatalogueEntry] = []
        for entry in candidates {
            // The one facet whose filter the entry fails (its counts still apply), or -2 when it fails several.
            var failing = -1
            for (facet, key) in filters where !entry.facetKeys[facet].contains(key) {
                failing = failing == -1 ? facet : -2
                if failing == -2 { break }
            }
            if failing == -1 {
                matches.append(entry)
                for facet in counts.indices {
                    for value in entry.facets[facet] { counts[facet][value, default: 0] += 1 }
                }
            } else if failing >= 0 {
                for value in entry.facets[failing] { counts[failing][value, default: 0] += 1 }
            }
        }
        let start = min((query.page - 1) * query.limit, matches.count)
        let end = min(start + query.limit, matches.count)
        var facets: [String: [CataloguePage.FacetCount]] = [:]
        for (facet, values) in counts.enumerated() {
            facets[facetNames[facet]] = values.map { CataloguePage.FacetCount(value: $0.key, count: $0.value) }
                .sorted { $0.count != $1.count ? $0.count > $1.count : $0.value < $1.value }
        }
        return CataloguePage(
            items: matches[start..<end].map(item), total: matches.count, page: query.page, limit: query.limit,
            facets: facets)
    }

    /// A course's value(s) for each facet, in the order of ``facetNames``.
    static func facetValues(of latest: CoursePublished, modality: CourseModality?) -> [[String]] {
        return [
            [latest.origin.kind.rawValue],
            latest.origin.academy.map { [$0] } ?? [],
            latest.audience.schoolLevels.map(\.rawValue),
            [latest.domain],
            modality.map { [$0.rawValue] } ?? [],
            [latest.nature.rawValue],
            [latest.durationBucket.rawValue],
        ]
    }

    /// What a facet value is compared by: case and diacritics folded (`Mathematiques` finds `Mathématiques`).
    static func comparisonKey(_ value: String) -> String {
        value.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
    }

    /// The query's filter for each facet, in the order of ``facetNames`` (nil: no filter), as comparison keys.
    static func wantedKeys(_ query: CatalogueQuery) -> [String?] {
        [
            query.origin?.rawValue, query.academy, query.schoolLevel?.rawValue, query.domain,
            query.modality?.rawValue, query.nature?.rawValue, query.duration?.rawValue,
        ].map { $0.map(comparisonKey) }
    }

    static func item(_ entry: CatalogueEntry) -> CataloguePage.Item {
        let latest = entry.latest
        return CataloguePage.Item(
            courseID: entry.courseID, version: latest.version, title: latest.title, summary: latest.summary,
            domain: latest.domain, schoolLevels: latest.audience.schoolLevels, origin: latest.origin,
            nature: latest.nature, modality: entry.modality, durationBucket: latest.durationBucket,
            distanceMinutes: latest.distanceMinutes, inPersonMinutes: latest.inPersonMinutes,
            publishedAt: latest.publishedAt, derivedFrom: latest.derivedFrom)
    }
}
