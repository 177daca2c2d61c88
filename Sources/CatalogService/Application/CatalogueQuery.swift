import Contracts

/// What a teacher asks the offer: words, facet filters, an order and a page.
public struct CatalogueQuery: Sendable, Hashable {
    /// The orders a listing can take.
    public enum Sort: String, Sendable, CaseIterable {
        /// Best full-text match first (the default with words; without words, same as `published`).
        case relevance
        /// Most recently published first.
        case published
    }

    public var text: String?
    public var schoolLevel: SchoolLevel?
    public var origin: CourseOrigin.Kind?
    public var academy: String?
    public var domain: String?
    public var modality: CourseModality?
    public var nature: Nature?
    public var duration: DurationBucket?
    public var sort: Sort
    /// 1-based.
    public var page: Int
    public var limit: Int

    public static let defaultLimit = 20
    public static let maximumLimit = 100

    public init(
        text: String? = nil, schoolLevel: SchoolLevel? = nil, origin: CourseOrigin.Kind? = nil, academy: String? = nil,
        domain: String? = nil, modality: CourseModality? = nil, nature: Nature? = nil, duration: DurationBucket? = nil,
        sort: Sort? = nil, page: Int = 1, limit: Int = defaultLimit
    ) {
        self.text = text
        self.schoolLevel = schoolLevel
        self.origin = origin
        self.academy = academy
        self.domain = domain
        self.modality = modality
        self.nature = nature
        self.duration = duration
        self.sort = sort ?? (text == nil ? .published : .relevance)
        self.page = page
        self.limit = limit
    }
}
