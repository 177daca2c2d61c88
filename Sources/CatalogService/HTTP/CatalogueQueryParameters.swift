import Contracts
import Foundation
import Hummingbird
import ServiceSupport

/// Reads a ``CatalogueQuery`` from a URL's query string through the shared ``QueryParameters``: an unknown or
/// repeated parameter, or a value out of range, is a 400 `invalid-query` naming the parameter.
enum CatalogueQueryParameters {
    static let filters = [
        "schoolLevel", "origin", "academy", "domain", "modality", "nature", "duration", "sort", "page", "limit",
    ]
    /// What `GET /courses` accepts.
    static let listing = Set(filters)
    /// What `GET /search` accepts: the listing's parameters and `q`.
    static let search = Set(filters + ["q"])
    static let maximumTextLength = 200
    static let maximumPage = 10_000

    static func parse(_ request: Request, allowed: Set<String>) throws -> CatalogueQuery {
        let query = try QueryParameters(request, allowed: allowed)
        var text = query["q"].map { $0.replacingOccurrences(of: "+", with: " ").trimmingCharacters(in: .whitespaces) }
        if let given = text, given.count > maximumTextLength {
            throw QueryParameters.invalid("q", "must be at most \(maximumTextLength) characters")
        }
        if text?.isEmpty == true { text = nil }
        func label(_ name: String) throws -> String? {
            try query.parse(name, expected: "1 to 100 characters") { (1...100).contains($0.count) ? $0 : nil }
        }
        // Only parameters that are present are parsed: the shared parsers spell out what they expect (for the
        // 400) on every call, which on the catalogue's hottest routes cost more than the cached answer.
        func choice<T: RawRepresentable & CaseIterable>(_ name: String, _: T.Type = T.self) throws -> T?
        where T.RawValue == String {
            query[name] == nil ? nil : try query.choice(name, T.self)
        }
        func number(_ name: String, default fallback: Int, in range: ClosedRange<Int>) throws -> Int {
            query[name] == nil ? fallback : try query.number(name, default: fallback, in: range)
        }
        return CatalogueQuery(
            text: text, schoolLevel: try choice("schoolLevel"),
            origin: try choice("origin", CourseOrigin.Kind.self), academy: try label("academy"),
            domain: try label("domain"), modality: try choice("modality"),
            nature: try choice("nature"), duration: try choice("duration"),
            sort: try choice("sort"),
            page: try number("page", default: 1, in: 1...maximumPage),
            limit: try number("limit", default: CatalogueQuery.defaultLimit, in: 1...CatalogueQuery.maximumLimit))
    }
}
