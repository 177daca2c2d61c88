import Contracts
import Foundation

/// One course as the public read path sees it: its published versions and life-cycle state, with
/// the facet values precomputed so that filtering is a few comparisons.
public struct CatalogueEntry: Sendable {
    public let courseID: String
    public let status: Course.Status
    /// The course's revision when this entry was built; older updates never replace newer ones.
    public let revision: Int
    /// Every published version, oldest first (never empty).
    public let versions: [CoursePublished]
    public let derivedFrom: CourseVersionRef?
    public let archivedAt: Date?
    public let modality: CourseModality?
    /// The course's value(s) for each facet (in the order of ``CatalogueSearch/facetNames``), computed once
    /// rather than per request, and the same as comparison keys.
    let facets: [[String]]
    let facetKeys: [[String]]

    public init(course: Course, versions: [CoursePublished]) {
        precondition(!versions.isEmpty, "a catalogue entry has at least one published version")
        courseID = course.id
        status = course.status
        revision = course.revision
        self.versions = versions
        derivedFrom = course.derivedFrom
        archivedAt = course.archivedAt
        modality = CourseFigures(snapshot: versions[versions.count - 1]).modality
        facets = CatalogueSearch.facetValues(of: versions[versions.count - 1], modality: modality)
        facetKeys = facets.map { $0.map(CatalogueSearch.comparisonKey) }
    }

    public var latest: CoursePublished { versions[versions.count - 1] }

    /// Whether the course is listed and searchable (published and not archived).
    public var isInOffer: Bool { status == .published }

    /// The version numbered `number`, if published.
    public func version(_ number: Int) -> CoursePublished? {
        guard number >= 1, number <= versions.count, versions[number - 1].version == number else {
            return versions.first { $0.version == number }
        }
        return versions[number - 1]
    }
}
