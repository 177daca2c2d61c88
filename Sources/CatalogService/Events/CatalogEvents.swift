import Contracts
import Foundation
import GRDB
import Messaging

/// What the catalogue publishes (it consumes nothing): `catalog.course.published.v1` for each new version, the
/// whole snapshot, and `catalog.course.archived.v1`, each appended to the outbox in the transaction that made the
/// change, with an id derived from what it announces (so that a retried transaction cannot announce twice).
enum CatalogEvents {
    static func append(_ event: CoursePublished, in db: Database) throws {
        try Outbox.append(
            event, id: "catalog.course.published:\(event.courseID):\(event.version)", time: event.publishedAt, in: db)
    }

    static func append(_ event: CourseArchived, in db: Database) throws {
        try Outbox.append(event, id: "catalog.course.archived:\(event.courseID)", time: event.archivedAt, in: db)
    }

    static func append(_ event: CourseRulesRevised, in db: Database) throws {
        try Outbox.append(
            event, id: "catalog.course.rules-revised:\(event.courseID):\(event.version):\(event.rulesRevision)",
            time: event.revisedAt, in: db)
    }

    static func archived(_ course: Course) -> CourseArchived {
        CourseArchived(
            courseID: course.id, archivedAt: course.archivedAt ?? course.updatedAt, reason: course.archiveReason)
    }
}

extension CourseVersion {
    /// The event announcing this version: the whole snapshot with its computed figures.
    public var event: CoursePublished {
        let figures = content.figures
        return CoursePublished(
            courseID: courseID, version: number, title: content.title, summary: content.summary,
            objectives: content.objectives, keywords: content.keywords, domain: content.domain,
            audience: content.audience, origin: content.origin, nature: content.nature,
            activities: content.activities.map(\.snapshot), trainerNotes: content.trainerNotes, owner: content.owner,
            derivedFrom: derivedFrom, publishedAt: publishedAt, distanceMinutes: figures.distanceMinutes,
            inPersonMinutes: figures.inPersonMinutes, durationBucket: figures.durationBucket,
            completionGroups: content.completionGroups.isEmpty ? nil : content.completionGroups)
    }
}
