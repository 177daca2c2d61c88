import Contracts
import Foundation
import Messaging

/// Builds bus messages the way a producer's outbox does.
enum Messages {
    static func message<E: DomainEvent>(
        _ event: E, id: String = UUID().uuidString, source: String? = nil
    ) throws -> Message {
        var envelope = CloudEvent(id: id, time: Timestamp.truncated(Date()), event: event)
        if let source { envelope.source = source }
        return Message(
            id: id, type: E.eventType.rawValue, source: envelope.source, subject: event.subject, time: envelope.time,
            body: try EventCoding.encode(envelope))
    }

    static func delivery<E: DomainEvent>(
        _ event: E, id: String = UUID().uuidString, source: String? = nil
    ) throws -> Delivery {
        Delivery(
            message: try message(event, id: id, source: source), attempt: 1, queue: "enrolment.events",
            redelivered: false)
    }

    /// Tracking's completion of an enrolment, as tracking would announce it.
    static func completion(
        of enrolment: String, participant: String, session: String, at date: Date, distance: Int = 135,
        inPerson: Int = 180, revision: Int = 1
    ) -> CourseCompleted {
        CourseCompleted(
            enrolmentID: enrolment, participantID: participant, sessionID: session,
            course: CourseVersionRef(courseID: "crs-math", version: 1), academy: "lyon", schoolLevel: .primary,
            completedAt: date, distanceMinutes: distance, inPersonMinutes: inPerson,
            criteriaMet: ["required-activities-completed"], ruleVersion: 1, revision: revision)
    }

    /// Tracking's revocation of an enrolment's completion revision.
    static func revocation(
        of enrolment: String, participant: String, session: String, revision: Int = 1, distance: Int = 135,
        inPerson: Int = 180
    ) -> CourseCompletionRevoked {
        CourseCompletionRevoked(
            enrolmentID: enrolment, participantID: participant, sessionID: session,
            course: CourseVersionRef(courseID: "crs-math", version: 1), academy: "lyon", schoolLevel: .primary,
            revision: revision, completionEventID: "completion-\(enrolment)-\(revision)", distanceMinutes: distance,
            inPersonMinutes: inPerson, cause: .attendanceCorrected, revokedAt: Timestamp.truncated(Date()),
            ruleVersion: 2)
    }
}
