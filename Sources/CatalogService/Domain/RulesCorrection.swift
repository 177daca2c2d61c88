import Contracts
import Foundation

/// A designer's correction of the completion rules of a published version: the whole rule set (each activity's
/// `required`, `moveOn`, pass threshold and minimum time, in the version's order, and the groups), and why.
///
/// The version itself never changes; the correction becomes its next rules revision (the rules as published are
/// revision 1), checked by the same rules as a draft's.
public struct RulesCorrection: Codable, Sendable, Equatable {
    public var reason: String
    public var activities: [CourseRulesRevised.ActivityRules]
    public var completionGroups: [CompletionGroup]

    public init(
        reason: String, activities: [CourseRulesRevised.ActivityRules], completionGroups: [CompletionGroup] = []
    ) {
        self.reason = reason
        self.activities = activities
        self.completionGroups = completionGroups
    }

    enum CodingKeys: String, CodingKey { case reason, activities, completionGroups }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        reason = try container.decode(String.self, forKey: .reason)
        activities = try container.decode([CourseRulesRevised.ActivityRules].self, forKey: .activities)
        completionGroups = try container.decodeIfPresent([CompletionGroup].self, forKey: .completionGroups) ?? []
    }

    /// The longest reason accepted.
    public static let maximumReasonLength = 500

    /// The rules in force of a version: its snapshot's, or its latest correction's.
    public static func inForce(of version: CoursePublished, revisions: [CourseRulesRevised]) -> RulesInForce {
        guard let latest = revisions.last else {
            return RulesInForce(
                rulesRevision: 1, activities: version.activities.map(CourseRulesRevised.ActivityRules.init(of:)),
                completionGroups: version.completionGroups ?? [])
        }
        return RulesInForce(
            rulesRevision: latest.rulesRevision, activities: latest.activities,
            completionGroups: latest.completionGroups)
    }

    /// The next revision of `version`'s rules, or the issues that refuse it.
    public func revision(
        of version: CoursePublished, after revisions: [CourseRulesRevised], by designer: String?, at time: Date
    ) throws(CatalogRuleError) -> CourseRulesRevised {
        var issues: [ValidationIssue] = []
        let trimmed = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty || trimmed.count > Self.maximumReasonLength {
            issues.append(.init(field: "reason", problem: "say why, in 1 to \(Self.maximumReasonLength) characters"))
        }
        if activities.count != version.activities.count {
            issues.append(
                .init(
                    field: "activities",
                    problem: "must give the rules of each of the version's \(version.activities.count) activities"))
        }
        for (index, (rules, activity)) in zip(activities, version.activities).enumerated()
        where rules.activityID != activity.id {
            issues.append(
                .init(
                    field: "activities[\(index)].activityID",
                    problem: "must be '\(activity.id)': the activities come in the version's order"))
        }
        guard issues.isEmpty else { throw .invalid(issues) }
        var draft = CourseVersion(version).content
        draft.activities = zip(activities, version.activities).map { Activity($0.applied(to: $1)) }
        draft.completionGroups = completionGroups
        issues = draft.issues
        let current = Self.inForce(of: version, revisions: revisions)
        if current.activities == activities && current.completionGroups == completionGroups {
            issues.append(.init(field: "activities", problem: "these are the rules in force already"))
        }
        guard issues.isEmpty else { throw .invalid(issues) }
        return CourseRulesRevised(
            courseID: version.courseID, version: version.version, rulesRevision: current.rulesRevision + 1,
            activities: activities, completionGroups: completionGroups, reason: trimmed, designerID: designer,
            revisedAt: time)
    }
}

/// The completion rules in force of a version, and their history.
public struct RulesInForce: Codable, Sendable, Equatable {
    /// 1: as published; then one more per correction.
    public var rulesRevision: Int
    public var activities: [CourseRulesRevised.ActivityRules]
    public var completionGroups: [CompletionGroup]
}
