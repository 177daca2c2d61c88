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
        var counts: [String: [String: Int]] = Dictionary(uniqueKeysWithValues: facetNames.map { ($0, [:]) })
        var matches: [CatalogueEntry] = []
        for entry in candidates {
            let values = entry.facetValues
            let failing = facetNames.filter { !accepts(query, facet: $0, values: values[$0] ?? []) }
            if failing.isEmpty { matches.append(entry) }
            let counted = failing.isEmpty ? facetNames : failing.count == 1 ? failing : []
            for facet in counted {
                for value in values[facet] ?? [] { counts[facet]![value, default: 0] += 1 }
            }
        }
        let start = min((query.page - 1) * query.limit, matches.count)
        let end = min(start + query.limit, matches.count)
        return CataloguePage(
            items: matches[start..<end].map(item), total: matches.count, page: query.page, limit: query.limit,
            facets: counts.mapValues { values in
                values.map { CataloguePage.FacetCount(value: $0.key, count: $0.value) }
                    .sorted { $0.count != $1.count ? $0.count > $1.count : $0.value < $1.value }
            })
    }

    static func facetValues(of latest: CoursePublished, modality: CourseModality?) -> [String: [String]] {
        return [
            "origin": [latest.origin.kind.rawValue],
            "academy": latest.origin.academy.map { [$0] } ?? [],
            "schoolLevel": latest.audience.schoolLevels.map(\.rawValue),
            "domain": [latest.domain],
            "modality": modality.map { [$0.rawValue] } ?? [],
            "nature": [latest.nature.rawValue],
            "duration": [latest.durationBucket.rawValue],
        ]
    }

    static func accepts(_ query: CatalogueQuery, facet: String, values: [String]) -> Bool {
        let wanted: String? =
            switch facet {
            case "origin": query.origin?.rawValue
            case "academy": query.academy
            case "schoolLevel": query.schoolLevel?.rawValue
            case "domain": query.domain
            case "modality": query.modality?.rawValue
            case "nature": query.nature?.rawValue
            case "duration": query.duration?.rawValue
            default: nil
            }
        guard let wanted else { return true }
        return values.contains {
            $0.compare(wanted, options: [.caseInsensitive, .diacriticInsensitive]) == .orderedSame
        }
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
