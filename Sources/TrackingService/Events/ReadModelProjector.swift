import Contracts
import Foundation
import GRDB
import Messaging

/// Applies the events tracking consumes to its read models, each in one transaction with its inbox
/// record (a redelivered event changes nothing).
///
/// Course versions are reference data: every partition's file keeps them. Session and enrolment events
/// go to the store owning the session.
public struct ReadModelProjector: Sendable {
    /// The inbox consumer name (also the queue name by default).
    public let consumer: String
    let stores: TrackingStores
    let tracker: CompletionTracker

    public init(stores: TrackingStores, consumer: String = "tracking.events", rules: CompletionRules = .current) {
        self.stores = stores
        self.consumer = consumer
        self.tracker = CompletionTracker(rules: rules)
    }

    /// Course versions are written into the store of `partition` (the router sends a copy to each partition's
    /// queue), or into every store when no partition is named.
    public func apply(_ envelope: CloudEvent<CoursePublished>, partition: Int? = nil) async throws {
        let event = envelope.data
        let row = CourseVersionRow(
            ref: event.versionRef, title: event.title, activities: event.activities,
            groups: event.completionGroups ?? [], publishedAt: event.publishedAt)
        let consumer = consumer
        for store in try partition.map { [try stores.store(forPartition: $0)] } ?? stores.all {
            try await store.write { db in
                guard try Inbox.claim(envelope.id, consumer: consumer, in: db) else { return }
                try row.insert(db)
            }
        }
    }

    /// A designer's correction of a version's rules, applied in the store of `partition` (every partition gets a
    /// copy), or in every store: new decisions follow it; completions already announced change only on a
    /// re-evaluation. Before the version itself has arrived, retried by the consumer's retry policy (then parked,
    /// to be replayed with `magistere dead-letters` once the version is there).
    public func apply(_ envelope: CloudEvent<CourseRulesRevised>, partition: Int? = nil) async throws {
        let event = envelope.data
        let consumer = consumer
        for store in try partition.map { [try stores.store(forPartition: $0)] } ?? stores.all {
            let plans = store.plans
            try await store.write { db in
                guard try Inbox.claim(envelope.id, consumer: consumer, in: db) else { return }
                guard let row = try CourseVersionRow.applying(event, db) else {
                    throw CourseVersionNotYetKnown(ref: event.versionRef)
                }
                db.afterNextTransaction { _ in plans.remember(row) }
            }
        }
    }

    /// A correction of a course version tracking has not received yet: retried later (never parked at once).
    struct CourseVersionNotYetKnown: Error, CustomStringConvertible {
        var ref: CourseVersionRef
        var description: String { "course version \(ref.courseID) v\(ref.version) is not known to tracking yet" }
    }

    public func apply(_ envelope: CloudEvent<SessionScheduled>) async throws {
        let event = envelope.data
        let row = SessionRow(
            sessionID: event.sessionID, academy: event.academy, course: event.course, schoolLevel: event.schoolLevel,
            trainerIDs: event.trainerIDs, tutorIDs: event.tutorIDs, scheduled: true, startsAt: event.calendar.startsAt)
        try await inSessionStore(event.sessionID, envelope.id) { db in try row.saveScheduled(db) }
    }

    public func apply(_ envelope: CloudEvent<SessionCancelled>) async throws {
        let event = envelope.data
        try await inSessionStore(event.sessionID, envelope.id) { db in
            try SessionRow.markCancelled(event.sessionID, at: event.occurredAt, db)
        }
    }

    /// A new staff assignment replaces the session's trainers and tutors (a later change wins over an earlier
    /// one that arrives late). Before tracking knows the session, the change is retried until it does: the
    /// session's own event is on its way.
    public func apply(_ envelope: CloudEvent<SessionStaffChanged>) async throws {
        let event = envelope.data
        try await inSessionStore(event.sessionID, envelope.id) { db in
            guard try SessionRow.fetch(event.sessionID, db) != nil else {
                throw SessionNotYetKnown(sessionID: event.sessionID)
            }
            _ = try SessionRow.replaceStaff(
                event.sessionID, trainerIDs: event.trainerIDs, tutorIDs: event.tutorIDs, changedAt: event.occurredAt, db
            )
        }
    }

    /// An event about a session tracking has not heard of yet: retried later (never parked at once).
    struct SessionNotYetKnown: Error, CustomStringConvertible {
        var sessionID: String
        var description: String { "session \(sessionID) is not known to tracking yet" }
    }

    /// An approval is applied in its session's partition; a copy another partition receives (earlier routers sent
    /// placements to every partition; now they go as ``DirectoryPlacements``) only records where the enrolment is,
    /// in that partition's directory.
    public func apply(_ envelope: CloudEvent<EnrolmentApproved>, partition: Int? = nil) async throws {
        let event = envelope.data
        try await approve(
            messageID: envelope.id, sessionID: event.sessionID, enrolmentID: event.enrolmentID,
            participantID: event.participantID, academy: event.academy, course: event.course,
            schoolLevel: event.schoolLevel, at: event.occurredAt, partition: partition)
    }

    public func apply(_ envelope: CloudEvent<EnrolmentPromoted>, partition: Int? = nil) async throws {
        let event = envelope.data
        try await approve(
            messageID: envelope.id, sessionID: event.sessionID, enrolmentID: event.enrolmentID,
            participantID: event.participantID, academy: event.academy, course: event.course,
            schoolLevel: event.schoolLevel, at: event.occurredAt, partition: partition)
    }

    public func apply(_ envelope: CloudEvent<EnrolmentWithdrawn>) async throws {
        let event = envelope.data
        try await inSessionStore(event.sessionID, envelope.id) { db in
            try EnrolmentRow.withdraw(
                sessionID: event.sessionID, enrolmentID: event.enrolmentID, participantID: event.participantID,
                at: event.occurredAt, db)
        }
    }

    private func approve(
        messageID: String, sessionID: String, enrolmentID: String, participantID: String, academy: String,
        course: CourseVersionRef, schoolLevel: SchoolLevel, at date: Date, partition: Int?
    ) async throws {
        let placement = DirectoryRow(enrolmentID: enrolmentID, sessionID: sessionID, participantID: participantID)
        if let partition, partition != TrackingPartitions.partition(ofSession: sessionID) {
            let consumer = consumer
            try await stores.store(forPartition: partition).write { db in
                guard try Inbox.claim(messageID, consumer: consumer, in: db) else { return }
                try placement.insert(db)
            }
            return
        }
        let session = SessionRow(
            sessionID: sessionID, academy: academy, course: course, schoolLevel: schoolLevel, scheduled: false)
        try await inSessionStore(sessionID, messageID) { db in
            try placement.insert(db)
            try session.insertIfMissing(db)
            if let known = try String.fetchOne(
                db, sql: "SELECT session_id FROM enrolment WHERE enrolment_id = ?", arguments: [enrolmentID]),
                known != sessionID
            {
                throw PermanentFailure("enrolment \(enrolmentID) is already tracked in session \(known)")
            }
            try EnrolmentRow.approve(
                sessionID: sessionID, enrolmentID: enrolmentID, participantID: participantID,
                schoolLevel: schoolLevel, at: date, db)
        }
    }

    private func inSessionStore(
        _ sessionID: String, _ messageID: String, _ effect: @escaping @Sendable (Database) throws -> Void
    ) async throws {
        let consumer = consumer
        try await stores.store(forSession: sessionID).write { db in
            guard try Inbox.claim(messageID, consumer: consumer, in: db) else { return }
            try effect(db)
        }
    }
}
