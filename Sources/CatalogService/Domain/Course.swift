import Contracts
import Foundation

/// A training course ("parcours") and its life cycle: draft → published (immutable numbered versions;
/// editing after a publication opens a new draft) → archived.
///
/// Every accepted change increments ``revision``, which the API exposes as the ETag for optimistic
/// concurrency. The type is a value: the store loads it, a command mutates it, the store saves it.
public struct Course: Sendable, Equatable {
    /// Where a course stands in its life cycle.
    public enum Status: String, Codable, Sendable, CaseIterable {
        /// Never published.
        case draft
        /// At least one version is published (a new draft may be pending).
        case published
        /// Withdrawn from the offer; its versions stay readable.
        case archived
    }

    public let id: String
    public private(set) var status: Status
    public private(set) var revision: Int
    /// Unpublished changes; nil when the latest version is the current content.
    public private(set) var draft: CourseDraft?
    public private(set) var latestVersion: CourseVersion?
    /// The published version this course was derived from ("contextualisation").
    public let derivedFrom: CourseVersionRef?
    public let createdAt: Date
    public private(set) var updatedAt: Date
    public private(set) var archivedAt: Date?
    public private(set) var archiveReason: String?

    /// Rebuilds a course from its stored state.
    public init(
        id: String, status: Status, revision: Int, draft: CourseDraft?, latestVersion: CourseVersion?,
        derivedFrom: CourseVersionRef?, createdAt: Date, updatedAt: Date, archivedAt: Date? = nil,
        archiveReason: String? = nil
    ) {
        self.id = id
        self.status = status
        self.revision = revision
        self.draft = draft
        self.latestVersion = latestVersion
        self.derivedFrom = derivedFrom
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.archivedAt = archivedAt
        self.archiveReason = archiveReason
    }

    // MARK: - Creation

    /// A new course whose first draft is `draft`.
    public static func create(id: String, draft: CourseDraft, at date: Date) throws(CatalogRuleError) -> Course {
        let draft = draft.assigningMissingActivityIDs()
        let issues = draft.issues
        guard issues.isEmpty else { throw .invalid(issues) }
        return Course(
            id: id, status: .draft, revision: 1, draft: draft, latestVersion: nil, derivedFrom: nil, createdAt: date,
            updatedAt: date)
    }

    /// A local variant ("contextualisation") of a published version: a new draft course starting from
    /// the version's content, with its own origin and owner, recording where it came from.
    public static func derive(
        from source: CourseVersion, id: String, origin: CourseOrigin, owner: CourseOwner, title: String? = nil,
        at date: Date
    ) throws(CatalogRuleError) -> Course {
        var content = source.content
        content.origin = origin
        content.owner = owner
        if let title { content.title = title }
        let issues = content.issues
        guard issues.isEmpty else { throw .invalid(issues) }
        return Course(
            id: id, status: .draft, revision: 1, draft: content, latestVersion: nil, derivedFrom: source.ref,
            createdAt: date, updatedAt: date)
    }

    // MARK: - Editing

    /// What the designer edits: the pending draft, or the latest version's content when there is none.
    public var editableContent: CourseDraft? { draft ?? latestVersion?.content }

    /// Whether there are changes that are not in a published version.
    public var hasPendingChanges: Bool { draft != nil && draft != latestVersion?.content }

    /// Applies `change` to the draft (opening one from the latest version if needed); refused on an
    /// archived course or when the result breaks a draft rule.
    public mutating func editDraft<Result>(
        at date: Date, _ change: (inout CourseDraft) throws(CatalogRuleError) -> Result
    ) throws(CatalogRuleError) -> Result {
        guard status != .archived else { throw .archived(courseID: id) }
        guard var content = editableContent else { throw .archived(courseID: id) }
        let result = try change(&content)
        content = content.assigningMissingActivityIDs()
        let issues = content.issues
        guard issues.isEmpty else { throw .invalid(issues) }
        draft = content
        touch(at: date)
        return result
    }

    /// Replaces the whole draft.
    public mutating func replaceDraft(with content: CourseDraft, at date: Date) throws(CatalogRuleError) {
        try editDraft(at: date) { (draft: inout CourseDraft) throws(CatalogRuleError) in draft = content }
    }

    /// Inserts an activity at `position` (at the end when nil) and returns it with its id.
    @discardableResult
    public mutating func addActivity(
        _ activity: Activity, at position: Int? = nil, date: Date
    ) throws(CatalogRuleError)
        -> Activity
    {
        let index = try editDraft(at: date) { (draft: inout CourseDraft) throws(CatalogRuleError) -> Int in
            let index = min(max(position ?? draft.activities.count, 0), draft.activities.count)
            if !activity.id.isEmpty, draft.activities.contains(where: { $0.id == activity.id }) {
                throw .invalid([.init(field: "id", problem: "'\(activity.id)' is used by another activity")])
            }
            draft.activities.insert(activity, at: index)
            return index
        }
        return draft!.activities[index]
    }

    /// Replaces the activity with id `activityID`, keeping its id and position.
    public mutating func replaceActivity(
        _ activityID: String, with activity: Activity, at date: Date
    )
        throws(CatalogRuleError)
    {
        try editDraft(at: date) { (draft: inout CourseDraft) throws(CatalogRuleError) in
            guard let index = draft.activities.firstIndex(where: { $0.id == activityID }) else {
                throw .unknownActivity(activityID)
            }
            var replacement = activity
            replacement.id = activityID
            draft.activities[index] = replacement
        }
    }

    /// Removes the activity with id `activityID`.
    public mutating func removeActivity(_ activityID: String, at date: Date) throws(CatalogRuleError) {
        try editDraft(at: date) { (draft: inout CourseDraft) throws(CatalogRuleError) in
            guard let index = draft.activities.firstIndex(where: { $0.id == activityID }) else {
                throw .unknownActivity(activityID)
            }
            draft.activities.remove(at: index)
        }
    }

    /// Puts the activities in the order of `ids`, which must name each activity exactly once.
    public mutating func reorderActivities(_ ids: [String], at date: Date) throws(CatalogRuleError) {
        try editDraft(at: date) { (draft: inout CourseDraft) throws(CatalogRuleError) in
            let current = draft.activities.map(\.id)
            guard ids.count == Set(ids).count, Set(ids) == Set(current) else {
                throw .invalid([
                    .init(
                        field: "activityIDs",
                        problem: "must list each activity id of the draft exactly once: \(current)")
                ])
            }
            let byID = Dictionary(uniqueKeysWithValues: draft.activities.map { ($0.id, $0) })
            draft.activities = ids.map { byID[$0]! }
        }
    }

    // MARK: - Publication

    /// Freezes the draft into the next numbered version. The draft is closed: later edits open a new one.
    ///
    /// `publisher` is the publishing designer's pseudonymous id, recorded as the version's
    /// `owner.designerID` whatever the draft said; nil keeps the draft's (seed data has no publisher).
    public mutating func publish(at date: Date, by publisher: String? = nil) throws(CatalogRuleError) -> CourseVersion {
        guard status != .archived else { throw .archived(courseID: id) }
        guard var content = draft, hasPendingChanges else {
            throw .nothingToPublish(courseID: id, latestVersion: latestVersion?.number ?? 0)
        }
        let issues = content.publicationIssues
        guard issues.isEmpty else { throw .invalid(issues) }
        if let publisher {
            content.owner = CourseOwner(organisation: content.owner.organisation, designerID: publisher)
        }
        let version = CourseVersion(
            courseID: id, number: (latestVersion?.number ?? 0) + 1, content: content, derivedFrom: derivedFrom,
            publishedAt: date)
        latestVersion = version
        draft = nil
        status = .published
        touch(at: date)
        return version
    }

    /// Withdraws the course from the offer. Its versions stay readable; nothing can change it any more.
    public mutating func archive(at date: Date, reason: String?) throws(CatalogRuleError) {
        guard status != .archived else { throw .archived(courseID: id) }
        status = .archived
        archivedAt = Timestamp.truncated(date)
        archiveReason = reason
        touch(at: date)
    }

    // MARK: - Derivation

    /// Whether a derived course is behind its source, whose latest published version is `sourceLatestVersion`.
    public func isBehindSource(latestVersion sourceLatestVersion: Int) -> Bool {
        guard let derivedFrom else { return false }
        return sourceLatestVersion > derivedFrom.version
    }

    private mutating func touch(at date: Date) {
        revision += 1
        updatedAt = Timestamp.truncated(date)
    }
}
