import Foundation

/// A designer corrected the completion rules of a published course version: which activities are required, each
/// activity's criterion (`moveOn`), pass threshold and minimum time, and the "N of these" groups. Nothing else of
/// the version changes (its activities, titles and minutes stay as published).
///
/// Revision 1 is the rules as published; each correction is the next revision and carries the whole rule set.
/// Tracking applies the latest revision to new decisions; a completion already announced changes only when staff
/// re-evaluate it (`POST /enrolments/{id}/reevaluation`, `POST /sessions/{id}/reevaluation`): a corrected rule never
/// silently rewrites the past.
public struct CourseRulesRevised: DomainEvent {
    public static let eventType: EventType = "catalog.course.rules-revised.v1"
    public static let producer: ServiceName = .catalog

    /// One activity's rules.
    public struct ActivityRules: Codable, Sendable, Equatable {
        public let activityID: String
        public let required: Bool
        public let passThreshold: Double?
        public let moveOn: MoveOn?
        public let minimumMinutes: Int?

        public init(
            activityID: String, required: Bool, passThreshold: Double? = nil, moveOn: MoveOn? = nil,
            minimumMinutes: Int? = nil
        ) {
            self.activityID = activityID
            self.required = required
            self.passThreshold = passThreshold
            self.moveOn = moveOn
            self.minimumMinutes = minimumMinutes
        }

        /// The rules an activity of a published snapshot has.
        public init(of activity: ActivitySnapshot) {
            self.init(
                activityID: activity.id, required: activity.required, passThreshold: activity.passThreshold,
                moveOn: activity.moveOn, minimumMinutes: activity.minimumMinutes)
        }

        /// `activity` with these rules.
        public func applied(to activity: ActivitySnapshot) -> ActivitySnapshot {
            ActivitySnapshot(
                id: activity.id, title: activity.title, kind: activity.kind, grouping: activity.grouping,
                modality: activity.modality, estimatedMinutes: activity.estimatedMinutes, required: required,
                passThreshold: passThreshold, trainerNotes: activity.trainerNotes, moveOn: moveOn,
                minimumMinutes: minimumMinutes)
        }
    }

    public let courseID: String
    /// The published version whose rules are corrected.
    public let version: Int
    /// 2 for the first correction, then one more each time.
    public let rulesRevision: Int
    /// Every activity of the version, in the version's order, with its rules.
    public let activities: [ActivityRules]
    public let completionGroups: [CompletionGroup]
    /// Why the rules were corrected, for the record.
    public let reason: String
    /// The pseudonymous id of the designer who corrected them.
    public let designerID: String?
    public let revisedAt: Date

    public var subject: String { courseID }

    public var versionRef: CourseVersionRef { CourseVersionRef(courseID: courseID, version: version) }

    public init(
        courseID: String, version: Int, rulesRevision: Int, activities: [ActivityRules],
        completionGroups: [CompletionGroup], reason: String, designerID: String?, revisedAt: Date
    ) {
        self.courseID = courseID
        self.version = version
        self.rulesRevision = rulesRevision
        self.activities = activities
        self.completionGroups = completionGroups
        self.reason = reason
        self.designerID = designerID
        self.revisedAt = revisedAt
    }
}
