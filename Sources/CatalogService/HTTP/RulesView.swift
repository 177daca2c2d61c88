import Contracts
import Foundation
import Hummingbird
import ServiceSupport

/// A published version's completion rules in force, and the corrections that led there (oldest first).
struct RulesView: Encodable, Sendable {
    /// One correction (who made it is in the event, not in this public answer).
    struct Correction: Encodable, Sendable {
        var rulesRevision: Int
        var reason: String
        var revisedAt: Date
    }

    var courseID: String
    var version: Int
    /// 1: as published; then one more per correction. Also the answer's `ETag`.
    var rulesRevision: Int
    var activities: [CourseRulesRevised.ActivityRules]
    var completionGroups: [CompletionGroup]
    var corrections: [Correction]

    init(_ published: CoursePublished, revisions: [CourseRulesRevised]) {
        let rules = RulesCorrection.inForce(of: published, revisions: revisions)
        courseID = published.courseID
        version = published.version
        rulesRevision = rules.rulesRevision
        activities = rules.activities
        completionGroups = rules.completionGroups
        corrections = revisions.map {
            Correction(rulesRevision: $0.rulesRevision, reason: $0.reason, revisedAt: $0.revisedAt)
        }
    }

    /// The path's `{version}`: a version number (404 otherwise, as for the version itself).
    static func versionNumber(_ context: ServiceRequestContext) throws -> Int {
        guard let number = Int(try context.parameters.require("version")), number >= 1 else {
            throw Problem(
                .notFound, kind: "not-found", title: "Version not found", detail: "{version} is not a version number")
        }
        return number
    }
}
