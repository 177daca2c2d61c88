import Contracts
import Foundation

/// The editable content of a course ("parcours"): what a designer writes before publishing a version.
///
/// A draft may be incomplete (no activity yet, no summary) but never malformed: ``issues`` are the
/// rules every draft keeps; ``publicationIssues`` add what a published version needs.
public struct CourseDraft: Codable, Sendable, Equatable {
    public var title: String
    public var summary: String
    /// What participants will be able to do, one objective per item.
    public var objectives: [String]
    public var keywords: [String]
    /// The training domain, e.g. `Mathématiques`.
    public var domain: String
    public var audience: Audience
    public var origin: CourseOrigin
    public var nature: Nature
    /// The scripted sequence, in order.
    public var activities: [Activity]
    public var trainerNotes: String?
    public var owner: CourseOwner
    /// "N of these" requirements over optional activities, beside the required ones.
    public var completionGroups: [CompletionGroup]

    public init(
        title: String, summary: String = "", objectives: [String] = [], keywords: [String] = [], domain: String = "",
        audience: Audience = Audience(schoolLevels: []), origin: CourseOrigin, nature: Nature = .tutored,
        activities: [Activity] = [], trainerNotes: String? = nil, owner: CourseOwner,
        completionGroups: [CompletionGroup] = []
    ) {
        self.title = title
        self.summary = summary
        self.objectives = objectives
        self.keywords = keywords
        self.domain = domain
        self.audience = audience
        self.origin = origin
        self.nature = nature
        self.activities = activities
        self.trainerNotes = trainerNotes
        self.owner = owner
        self.completionGroups = completionGroups
    }

    // MARK: - Coding (title, origin and owner are mandatory; the rest may come later)

    enum CodingKeys: String, CodingKey {
        case title, summary, objectives, keywords, domain, audience, origin, nature, activities, trainerNotes, owner
        case completionGroups
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        title = try container.decode(String.self, forKey: .title)
        summary = try container.decodeIfPresent(String.self, forKey: .summary) ?? ""
        objectives = try container.decodeIfPresent([String].self, forKey: .objectives) ?? []
        keywords = try container.decodeIfPresent([String].self, forKey: .keywords) ?? []
        domain = try container.decodeIfPresent(String.self, forKey: .domain) ?? ""
        audience = try container.decodeIfPresent(Audience.self, forKey: .audience) ?? Audience(schoolLevels: [])
        origin = try container.decode(CourseOrigin.self, forKey: .origin)
        nature = try container.decodeIfPresent(Nature.self, forKey: .nature) ?? .tutored
        activities = try container.decodeIfPresent([Activity].self, forKey: .activities) ?? []
        trainerNotes = try container.decodeIfPresent(String.self, forKey: .trainerNotes)
        owner = try container.decode(CourseOwner.self, forKey: .owner)
        completionGroups = try container.decodeIfPresent([CompletionGroup].self, forKey: .completionGroups) ?? []
    }

    // MARK: - Derived figures

    public var figures: CourseFigures { CourseFigures(activities: activities) }

    // MARK: - Rules

    /// The longest title accepted.
    public static let maximumTitleLength = 200

    /// The rules every draft keeps, whether or not it is about to be published.
    public var issues: [ValidationIssue] {
        var issues: [ValidationIssue] = []
        let trimmedTitle = title.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmedTitle.isEmpty {
            issues.append(.init(field: "title", problem: "must not be empty"))
        } else if title.count > Self.maximumTitleLength {
            issues.append(.init(field: "title", problem: "must be at most \(Self.maximumTitleLength) characters"))
        }
        for (index, objective) in objectives.enumerated()
        where objective.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            issues.append(.init(field: "objectives[\(index)]", problem: "must not be empty"))
        }
        switch origin.kind {
        case .national:
            if origin.academy != nil {
                issues.append(.init(field: "origin.academy", problem: "the national offer belongs to no academy"))
            }
            if !origin.sharedNationally {
                issues.append(.init(field: "origin.sharedNationally", problem: "the national offer is always shared"))
            }
        case .academy:
            if (origin.academy ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
                issues.append(.init(field: "origin.academy", problem: "an academy's offer names its academy"))
            }
        }
        if owner.organisation.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            issues.append(.init(field: "owner.organisation", problem: "must not be empty"))
        }
        var seen: Set<String> = []
        for (index, activity) in activities.enumerated() {
            issues += activity.issues(at: "activities[\(index)]")
            if !activity.id.isEmpty && !seen.insert(activity.id).inserted {
                issues.append(
                    .init(field: "activities[\(index)].id", problem: "'\(activity.id)' is used by another activity"))
            }
        }
        issues += groupIssues
        return issues
    }

    /// The most groups a course has.
    public static let maximumGroups = 20

    /// The rules of the "N of these" groups: unique ids, known optional activities each in one group at
    /// most, a minimum the group can reach.
    private var groupIssues: [ValidationIssue] {
        var issues: [ValidationIssue] = []
        if completionGroups.count > Self.maximumGroups {
            issues.append(.init(field: "completionGroups", problem: "at most \(Self.maximumGroups) groups"))
        }
        var groupIDs: Set<String> = []
        var grouped: [String: String] = [:]
        for (index, group) in completionGroups.enumerated() {
            let path = "completionGroups[\(index)]"
            if !CatalogIdentifier.isValid(group.id) {
                issues.append(.init(field: "\(path).id", problem: CatalogIdentifier.rule))
            } else if !groupIDs.insert(group.id).inserted {
                issues.append(.init(field: "\(path).id", problem: "'\(group.id)' names another group"))
            }
            if group.title.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                issues.append(.init(field: "\(path).title", problem: "must not be empty"))
            }
            if group.activityIDs.isEmpty {
                issues.append(.init(field: "\(path).activityIDs", problem: "must name at least one activity"))
            }
            for (position, activityID) in group.activityIDs.enumerated() {
                let field = "\(path).activityIDs[\(position)]"
                guard let activity = activities.first(where: { $0.id == activityID }) else {
                    issues.append(.init(field: field, problem: "'\(activityID)' is not an activity of the course"))
                    continue
                }
                if let other = grouped.updateValue(group.id, forKey: activityID) {
                    issues.append(
                        .init(field: field, problem: "'\(activityID)' is already in group '\(other)'"))
                }
                if activity.required {
                    issues.append(
                        .init(field: field, problem: "'\(activityID)' is required: a group counts optional activities"))
                }
                if activity.moveOn == .notApplicable {
                    issues.append(
                        .init(field: field, problem: "'\(activityID)' is NotApplicable: no criterion to count"))
                }
            }
            if group.minimum < 1 || group.minimum > max(group.activityIDs.count, 1) {
                issues.append(
                    .init(
                        field: "\(path).minimum",
                        problem:
                            "must be between 1 and the number of the group's activities (\(group.activityIDs.count))"
                    ))
            }
        }
        return issues
    }

    /// The rules of a draft plus what a published version needs.
    public var publicationIssues: [ValidationIssue] {
        var issues = self.issues
        if summary.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            issues.append(.init(field: "summary", problem: "a published course needs a summary"))
        }
        if objectives.isEmpty {
            issues.append(.init(field: "objectives", problem: "a published course needs at least one objective"))
        }
        if domain.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            issues.append(.init(field: "domain", problem: "a published course needs a domain"))
        }
        if audience.schoolLevels.isEmpty {
            issues.append(
                .init(field: "audience.schoolLevels", problem: "a published course names at least one school level"))
        }
        if activities.isEmpty {
            issues.append(.init(field: "activities", problem: "a published course needs at least one activity"))
        }
        return issues
    }

    // MARK: - Activity ids

    /// The draft with an id (`a1`, `a2`… after the highest such id in use) for each activity submitted without one.
    public func assigningMissingActivityIDs() -> CourseDraft {
        var copy = self
        // Numbers beyond the activity cap cannot be ours (and `a<Int.max>` + 1 would overflow): ignored.
        var next =
            (activities.compactMap { activity -> Int? in
                guard activity.id.first == "a", let number = Int(activity.id.dropFirst()), number < 1_000_000 else {
                    return nil
                }
                return number
            }.max() ?? 0) + 1
        for index in copy.activities.indices where copy.activities[index].id.isEmpty {
            while activities.contains(where: { $0.id == "a\(next)" }) { next += 1 }
            copy.activities[index].id = "a\(next)"
            next += 1
        }
        return copy
    }
}
