import Contracts
import Foundation
import GRDB
import Messaging

// MARK: - Completions from tracking and the teachers' yearly records

/// What became of a `tracking.course.completed.v1` or `tracking.course.completion-revoked.v1` delivery.
public enum CompletionOutcome: Sendable, Equatable {
    /// The enrolment is completed and the training is in the teacher's record.
    case recorded
    /// A later revision of the completion replaced the record's hours (the enrolment stays completed).
    case revised
    /// The completion was revoked: the training left the record, the enrolment is back in progress.
    case revoked
    /// This message was already applied (inbox), or a later revision was: nothing changed.
    case duplicate
}

extension EnrolmentApplication {
    /// Completes the enrolment tracking says is done and records the training in the teacher's year.
    ///
    /// The inbox claim, the enrolment's transition, its history row, the outbox event and the record
    /// commit together, so a redelivered or re-announced completion changes nothing. Revisions decide when
    /// deliveries cross: a completion whose revision was already applied or revoked is stale; a higher one
    /// replaces the hours of the one in the record.
    func courseCompleted(_ envelope: CloudEvent<CourseCompleted>) async throws -> CompletionOutcome {
        let date = store.timestamp
        let event = envelope.data
        return try await store.write { db in
            guard try Inbox.claim(envelope.id, consumer: EnrolmentStore.consumer, in: db) else { return .duplicate }
            var enrolment = try Self.enrolment(
                event.enrolmentID, participant: event.participantID,
                session: event.sessionID, db)
            let revisions = try CompletionRevisions.fetch(enrolment.id, db)
            guard event.revision > max(revisions.completed, revisions.revoked) else { return .duplicate }
            // A manager completed it by hand: tracking's later completion changes nothing (as before revisions).
            if enrolment.state == .completed && revisions.completed == 0 { return .duplicate }
            let session = try EnrolmentStore.session(enrolment.sessionID, in: db)
            let training = CompletedTraining(
                enrolmentID: enrolment.id, sessionID: session.id, course: event.course, title: session.title,
                academy: event.academy, schoolLevel: event.schoolLevel, completedAt: event.completedAt,
                distanceMinutes: event.distanceMinutes, inPersonMinutes: event.inPersonMinutes)
            let outcome: CompletionOutcome
            if enrolment.state == .completed {
                // The revocation of the revision in the record has not arrived yet: this one replaces it.
                try EnrolmentStore.record(
                    "enrolment", id: enrolment.id, sessionID: session.id, command: "revise-completion",
                    from: EnrolmentState.completed.rawValue, to: EnrolmentState.completed.rawValue, actor: nil,
                    reason: "tracking: completion revision \(event.revision)", at: date, in: db)
                outcome = .revised
            } else {
                do {
                    try EnrolmentStore.move(
                        &enrolment, .complete, in: session, actor: nil,
                        reason: event.revision == 1
                            ? "tracking: course completed" : "tracking: course completed (revision \(event.revision))",
                        at: date, db: db)
                } catch let illegal as IllegalEnrolmentTransition {
                    throw PermanentFailure("cannot complete \(event.enrolmentID): \(illegal)")
                }
                outcome = .recorded
            }
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO completedTraining (enrolmentID, participantID, schoolYear, record, completedAt)
                    VALUES (?, ?, ?, ?, ?)
                    """,
                arguments: [
                    training.enrolmentID, enrolment.participantID, training.schoolYear.startYear,
                    String(decoding: try EventCoding.encode(training), as: UTF8.self), training.completedAt,
                ])
            try CompletionRevisions(completed: event.revision, revoked: revisions.revoked).save(enrolment.id, db)
            return outcome
        }
    }

    /// Takes back a completion tracking revoked: the training leaves the teacher's record (kept aside with the
    /// cause), the enrolment is back in progress, and the history says why. A revocation that arrives before
    /// the completion it revokes is remembered, so that completion is ignored when it comes.
    func courseCompletionRevoked(_ envelope: CloudEvent<CourseCompletionRevoked>) async throws -> CompletionOutcome {
        let date = store.timestamp
        let event = envelope.data
        return try await store.write { db in
            guard try Inbox.claim(envelope.id, consumer: EnrolmentStore.consumer, in: db) else { return .duplicate }
            var enrolment = try Self.enrolment(
                event.enrolmentID, participant: event.participantID,
                session: event.sessionID, db)
            let revisions = try CompletionRevisions.fetch(enrolment.id, db)
            guard event.revision > revisions.revoked else { return .duplicate }
            try CompletionRevisions(completed: revisions.completed, revoked: event.revision).save(enrolment.id, db)
            // Revisions follow one another: revoking revision n means every earlier one was revoked too, so the
            // revision in the record goes whenever it is n or older (deliveries crossed: a revocation may overtake
            // the ones before it). A later revision in the record stays; one that never reached it is kept out by
            // the revoked revision saved above; a manager's completion by hand (no revision) is not tracking's.
            guard revisions.completed > 0, event.revision >= revisions.completed, enrolment.state == .completed
            else { return .duplicate }
            let session = try EnrolmentStore.session(enrolment.sessionID, in: db)
            var given = (distance: 0, inPerson: 0)
            if let row = try Row.fetchOne(
                db, sql: "SELECT participantID, schoolYear, record FROM completedTraining WHERE enrolmentID = ?",
                arguments: [enrolment.id])
            {
                let training = try EventCoding.decode(
                    CompletedTraining.self, from: Data((row["record"] as String).utf8))
                given = (training.distanceMinutes, training.inPersonMinutes)
                try db.execute(
                    sql: """
                        INSERT OR IGNORE INTO revokedTraining (enrolmentID, revision, participantID, schoolYear, record,
                            cause, revokedAt)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        enrolment.id, revisions.completed, row["participantID"] as String, row["schoolYear"] as Int,
                        row["record"] as String, event.cause.rawValue, event.revokedAt,
                    ])
                try db.execute(sql: "DELETE FROM completedTraining WHERE enrolmentID = ?", arguments: [enrolment.id])
            }
            do {
                try EnrolmentStore.move(
                    &enrolment, .revokeCompletion, in: session, actor: nil,
                    reason: "tracking: completion revoked (\(event.cause.rawValue))", at: date, db: db)
            } catch let illegal as IllegalEnrolmentTransition {
                throw PermanentFailure("cannot revoke the completion of \(event.enrolmentID): \(illegal)")
            }
            try Outbox.append(
                EnrolmentCompletionRevoked(
                    enrolmentID: enrolment.id, sessionID: session.id, participantID: enrolment.participantID,
                    cause: event.cause.rawValue, revision: revisions.completed, distanceMinutes: given.distance,
                    inPersonMinutes: given.inPerson, occurredAt: date),
                id: EnrolmentCompletionRevoked.eventID(enrolmentID: enrolment.id, revision: revisions.completed),
                time: date, in: db)
            return .revoked
        }
    }

    /// The enrolment a completion event names, checked against what tracking says of it.
    private static func enrolment(
        _ id: String, participant: String, session: String, _ db: Database
    ) throws
        -> Enrolment
    {
        guard let enrolment = try Enrolment.fetchOne(db, key: id) else {
            throw PermanentFailure("tracking's completion names enrolment \(id), which this service does not know")
        }
        guard enrolment.participantID == participant, enrolment.sessionID == session else {
            throw PermanentFailure(
                "tracking's completion of \(id) names another participant or session than the enrolment")
        }
        return enrolment
    }

    /// A teacher's training record for a school year.
    func trainingRecord(teacher: String, schoolYear: SchoolYear) async throws -> TrainingRecord {
        try await store.read { db in
            let texts = try String.fetchAll(
                db,
                sql:
                    "SELECT record FROM completedTraining WHERE participantID = ? AND schoolYear = ? ORDER BY completedAt",
                arguments: [teacher, schoolYear.startYear])
            let trainings = try texts.map { try EventCoding.decode(CompletedTraining.self, from: Data($0.utf8)) }
            return TrainingRecord(
                teacherID: teacher, schoolYear: schoolYear,
                schoolLevel: try EnrolmentStore.schoolLevel(of: teacher, trainings: trainings, in: db),
                trainings: trainings)
        }
    }
}

/// Which revision of tracking's completion an enrolment applied last, and which it saw revoked last.
struct CompletionRevisions: Sendable, Equatable {
    var completed: Int
    var revoked: Int

    static func fetch(_ enrolmentID: String, _ db: Database) throws -> CompletionRevisions {
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT completed, revoked FROM completionRevision WHERE enrolmentID = ?",
                arguments: [enrolmentID])
        else { return CompletionRevisions(completed: 0, revoked: 0) }
        return CompletionRevisions(completed: row["completed"], revoked: row["revoked"])
    }

    func save(_ enrolmentID: String, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO completionRevision (enrolmentID, completed, revoked) VALUES (?, ?, ?)
                ON CONFLICT (enrolmentID) DO UPDATE SET completed = excluded.completed, revoked = excluded.revoked
                """, arguments: [enrolmentID, completed, revoked])
    }
}
