import Contracts
import Foundation
import GRDB
import Messaging

// Inside a transaction: the reads and writes the use cases of EnrolmentApplication compose.

extension EnrolmentStore {
    /// Announces the session's whole staff assignment: tracking decides from it who follows the session and
    /// records its attendance.
    static func announceStaff(of session: Session, actor: String, at date: Date, in db: Database) throws {
        try Outbox.append(
            SessionStaffChanged(
                sessionID: session.id, academy: session.academy, trainerIDs: session.trainerIDs,
                tutorIDs: session.tutorIDs, actorID: actor, occurredAt: date),
            time: date, in: db)
    }

    static func session(_ id: String, in db: Database) throws -> Session {
        guard let session = try Session.fetchOne(db, key: id) else {
            throw EnrolmentFailure.notFound(what: "Session", id: id)
        }
        return session
    }

    static func view(of session: Session, in db: Database) throws -> SessionView {
        let row = try Row.fetchOne(
            db,
            sql: """
                SELECT COALESCE(SUM(state IN ('approved', 'completed')), 0) AS taken,
                       COALESCE(SUM(state = 'waitlisted'), 0) AS waitlisted
                FROM enrolment WHERE sessionID = ?
                """, arguments: [session.id])!
        return SessionView(session, taken: row["taken"], waitlisted: row["waitlisted"])
    }
}
