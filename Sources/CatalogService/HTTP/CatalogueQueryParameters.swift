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
        return CatalogueQuery(
            text: text, schoolLevel: try query.choice("schoolLevel"),
            origin: try query.choice("origin", CourseOrigin.Kind.self), academy: try label("academy"),
            domain: try label("domain"), modality: try query.choice("modality"),
            nature: try query.choice("nature"), duration: try query.choice("duration"),
            sort: try query.choice("sort"),
            page: try query.number("page", default: 1, in: 1...maximumPage),
            limit: try query.number("limit", default: CatalogueQuery.defaultLimit, in: 1...CatalogueQuery.maximumLimit))
    }
}
