import Foundation
import HTTPTypes
import Hummingbird

/// Optimistic concurrency over HTTP: a resource's revision (a course draft's, a training plan draft's) is its entity
/// tag (`"7"`), returned in `ETag` by every authoring response and checked against `If-Match` on every change.
///
/// `If-Match` is optional (a change without it applies to whatever is current), so that curl
/// walk-throughs stay simple; when given and stale, the change is refused with 412 and nothing is
/// written. `If-Match: *` matches any revision.
public enum EntityTag {
    public static func format(_ revision: Int) -> String { "\"\(revision)\"" }

    public static func headers(_ revision: Int) -> HTTPFields { [.eTag: format(revision)] }

    /// The revision `If-Match` requires, or nil when there is no precondition.
    ///
    /// A value that names no revision can never match: it yields -1, which the store rejects with 412.
    public static func expectedRevision(_ request: Request) -> Int? {
        let values = request.headers[values: .ifMatch].flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
        guard !values.isEmpty, !values.contains("*") else { return nil }
        for value in values {
            var tag = Substring(value)
            if tag.hasPrefix("W/") { tag = tag.dropFirst(2) }
            if tag.hasPrefix("\""), tag.hasSuffix("\""), tag.count >= 2, let revision = Int(tag.dropFirst().dropLast())
            {
                return revision
            }
        }
        return -1
    }
}
