import Contracts
import Foundation
import GRDB
import Messaging

// MARK: - Completions from tracking and the teachers' yearly records

/// What became of a `tracking.course.completed.v1` delivery.
public enum CompletionOutcome: Sendable, Equatable {
    /// The enrolment is completed and the training is in the teacher's record.
    case recorded
    /// This message was already applied (inbox), or the enrolment was already completed: nothing changed.
    case duplicate
}

extension EnrolmentApplication {
    /// Completes the enrolment tracking says is done and records the training in the teacher's year.
    ///
    /// The inbox claim, the enrolment's transition, its history row, the outbox event and the record
    /// commit together, so a redelivered or re-announced completion changes nothing.
    func courseCompleted(_ envelope: CloudEvent<CourseCompleted>) async throws -> CompletionOutcome {
        let date = store.timestamp
        let event = envelope.data
        return try await store.write { db in
            guard try Inbox.claim(envelope.id, consumer: EnrolmentStore.consumer, in: db) else { return .duplicate }
            guard var enrolment = try Enrolment.fetchOne(db, key: event.enrolmentID) else {
                throw PermanentFailure(
                    "tracking completed enrolment \(event.enrolmentID), which this service does not know")
            }
            guard enrolment.participantID == event.participantID, enrolment.sessionID == event.sessionID else {
                throw PermanentFailure(
                    "tracking's completion of \(event.enrolmentID) names another participant or session than the enrolment"
                )
            }
            if enrolment.state == .completed { return .duplicate }
            let session = try EnrolmentStore.session(enrolment.sessionID, in: db)
            do {
                try EnrolmentStore.move(
                    &enrolment, .complete, in: session, actor: nil, reason: "tracking: course completed", at: date,
                    db: db)
            } catch let illegal as IllegalEnrolmentTransition {
                throw PermanentFailure("cannot complete \(event.enrolmentID): \(illegal)")
            }
            let training = CompletedTraining(
                enrolmentID: enrolment.id, sessionID: session.id, course: event.course, title: session.title,
                academy: event.academy, schoolLevel: event.schoolLevel, completedAt: event.completedAt,
                distanceMinutes: event.distanceMinutes, inPersonMinutes: event.inPersonMinutes)
            try db.execute(
                sql: """
                    INSERT OR IGNORE INTO completedTraining (enrolmentID, participantID, schoolYear, record, completedAt)
                    VALUES (?, ?, ?, ?, ?)
                    """,
                arguments: [
                    training.enrolmentID, enrolment.participantID, training.schoolYear.startYear,
                    String(decoding: try EventCoding.encode(training), as: UTF8.self), training.completedAt,
                ])
            return .recorded
        }
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
