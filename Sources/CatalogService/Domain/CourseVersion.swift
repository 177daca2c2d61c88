import Contracts
import Foundation

/// A published, immutable version of a course: what sessions pin and derivations point to.
///
/// Its wire form is the `catalog.course.published.v1` event itself, so the store keeps exactly the
/// snapshot that consumers received.
public struct CourseVersion: Sendable, Equatable {
    public let courseID: String
    /// From 1, increasing with each publication.
    public let number: Int
    public let content: CourseDraft
    public let derivedFrom: CourseVersionRef?
    public let publishedAt: Date

    public init(courseID: String, number: Int, content: CourseDraft, derivedFrom: CourseVersionRef?, publishedAt: Date)
    {
        self.courseID = courseID
        self.number = number
        self.content = content
        self.derivedFrom = derivedFrom
        self.publishedAt = Timestamp.truncated(publishedAt)
    }

    public var ref: CourseVersionRef { CourseVersionRef(courseID: courseID, version: number) }

    /// The version an event describes.
    public init(_ event: CoursePublished) {
        self.init(
            courseID: event.courseID, number: event.version,
            content: CourseDraft(
                title: event.title, summary: event.summary, objectives: event.objectives, keywords: event.keywords,
                domain: event.domain, audience: event.audience, origin: event.origin, nature: event.nature,
                activities: event.activities.map(Activity.init), trainerNotes: event.trainerNotes, owner: event.owner,
                completionGroups: event.completionGroups ?? []),
            derivedFrom: event.derivedFrom, publishedAt: event.publishedAt)
    }
}
