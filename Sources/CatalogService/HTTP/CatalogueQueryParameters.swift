import Contracts
import Foundation
import Hummingbird
import ServiceSupport

/// Reads a ``CatalogueQuery`` from a URL's query string, strictly: an unknown or repeated parameter,
/// or a value out of range, is a 400 problem naming the parameter.
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
        var values: [String: String] = [:]
        for (key, value) in request.uri.queryParameters {
            let name = String(key)
            guard allowed.contains(name) else {
                throw invalid(name, "unknown query parameter; accepted: \(allowed.sorted().joined(separator: ", "))")
            }
            guard values[name] == nil else { throw invalid(name, "give this parameter once") }
            values[name] = String(value)
        }
        func choice<T: RawRepresentable & CaseIterable>(_ name: String, _: T.Type) throws -> T?
        where T.RawValue == String {
            guard let text = values[name] else { return nil }
            guard let value = T(rawValue: text) else {
                throw invalid(name, "must be one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return value
        }
        func number(_ name: String, default fallback: Int, in range: ClosedRange<Int>) throws -> Int {
            guard let text = values[name] else { return fallback }
            guard let value = Int(text), range.contains(value) else {
                throw invalid(name, "must be a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
            return value
        }
        var text = values["q"].map { $0.replacingOccurrences(of: "+", with: " ").trimmingCharacters(in: .whitespaces) }
        if let query = text, query.count > maximumTextLength {
            throw invalid("q", "must be at most \(maximumTextLength) characters")
        }
        if text?.isEmpty == true { text = nil }
        func nonEmpty(_ name: String) throws -> String? {
            guard let value = values[name] else { return nil }
            guard !value.isEmpty, value.count <= 100 else { throw invalid(name, "must be 1 to 100 characters") }
            return value
        }
        return CatalogueQuery(
            text: text, schoolLevel: try choice("schoolLevel", SchoolLevel.self),
            origin: try choice("origin", CourseOrigin.Kind.self), academy: try nonEmpty("academy"),
            domain: try nonEmpty("domain"), modality: try choice("modality", CourseModality.self),
            nature: try choice("nature", Nature.self), duration: try choice("duration", DurationBucket.self),
            sort: try choice("sort", CatalogueQuery.Sort.self),
            page: try number("page", default: 1, in: 1...maximumPage),
            limit: try number("limit", default: CatalogueQuery.defaultLimit, in: 1...CatalogueQuery.maximumLimit))
    }

    static func invalid(_ parameter: String, _ problem: String) -> Problem {
        Problem(
            .badRequest, kind: "invalid-query", title: "Invalid query parameter", detail: "\(parameter): \(problem)",
            errors: [.init(field: parameter, problem: problem)])
    }
}
