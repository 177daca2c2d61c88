import Foundation

/// A course version was published: the whole immutable snapshot, activities included, so that consumers
/// never need to call the catalogue back.
///
/// A derivation ("contextualisation") is published the same way, with ``derivedFrom`` naming its source.
/// The derived figures (``distanceMinutes``, ``inPersonMinutes``, ``durationBucket``) are computed by the
/// catalogue from the activities, never typed in. Durations are whole minutes.
public struct CoursePublished: DomainEvent {
    public static let eventType: EventType = "catalog.course.published.v1"
    public static let producer: ServiceName = .catalog

    /// The course's id, stable across its versions.
    public let courseID: String
    /// The number of this version, from 1; a published version never changes.
    public let version: Int
    public let title: String
    public let summary: String
    /// What participants will be able to do, one objective per item.
    public let objectives: [String]
    public let keywords: [String]
    /// The training domain, e.g. `Mathématiques` or `Numérique éducatif`.
    public let domain: String
    /// Who the course is for.
    public let audience: Audience
    /// National or academy offer.
    public let origin: CourseOrigin
    public let nature: Nature
    /// The scripted sequence of activities, in order.
    public let activities: [ActivitySnapshot]
    /// "N of these" requirements over optional activities, beside the required ones; absent or empty: none.
    public let completionGroups: [CompletionGroup]?
    /// Notes for trainers who run the course.
    public let trainerNotes: String?
    /// Who is responsible for the course: an organisation, never a person's name or e-mail.
    public let owner: CourseOwner
    /// The published version this course was derived from, for a local variant.
    public let derivedFrom: CourseVersionRef?
    public let publishedAt: Date
    /// The sum of the estimated minutes of all activities (required and optional) done at a distance.
    public let distanceMinutes: Int
    /// The sum of the estimated minutes of all activities (required and optional) done in person.
    public let inPersonMinutes: Int
    /// The duration class of `distanceMinutes + inPersonMinutes`, as the offer's filters show it.
    public let durationBucket: DurationBucket

    public var subject: String { courseID }

    /// This version as a reference, for sessions and derivations.
    public var versionRef: CourseVersionRef { CourseVersionRef(courseID: courseID, version: version) }

    public init(
        courseID: String, version: Int, title: String, summary: String, objectives: [String],
        keywords: [String], domain: String, audience: Audience, origin: CourseOrigin, nature: Nature,
        activities: [ActivitySnapshot], trainerNotes: String? = nil, owner: CourseOwner,
        derivedFrom: CourseVersionRef? = nil, publishedAt: Date, distanceMinutes: Int, inPersonMinutes: Int,
        durationBucket: DurationBucket, completionGroups: [CompletionGroup]? = nil
    ) {
        self.courseID = courseID
        self.version = version
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
        self.derivedFrom = derivedFrom
        self.publishedAt = publishedAt
        self.distanceMinutes = distanceMinutes
        self.inPersonMinutes = inPersonMinutes
        self.durationBucket = durationBucket
        self.completionGroups = completionGroups
    }
}
