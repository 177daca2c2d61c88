import Contracts
import Foundation

/// A course's draft as a designer edits it: the content, its computed figures, and what still
/// stands in the way of publishing it. Sent with the course's ETag.
struct DraftView: Codable, Sendable {
    var courseID: String
    var status: Course.Status
    /// The ETag's value: increases with every accepted change.
    var revision: Int
    /// The version the draft started from; 0 before the first publication.
    var basedOnVersion: Int
    /// Whether the content differs from the latest published version.
    var pendingChanges: Bool
    var derivedFrom: CourseVersionRef?
    var content: CourseDraft?
    var figures: CourseFigures?
    /// Rules the draft breaks for publication (empty when it can be published).
    var publicationIssues: [ValidationIssue]

    init(_ course: Course) {
        courseID = course.id
        status = course.status
        revision = course.revision
        basedOnVersion = course.latestVersion?.number ?? 0
        pendingChanges = course.hasPendingChanges
        derivedFrom = course.derivedFrom
        content = course.editableContent
        figures = content?.figures
        publicationIssues = course.status == .archived ? [] : content?.publicationIssues ?? []
    }
}
