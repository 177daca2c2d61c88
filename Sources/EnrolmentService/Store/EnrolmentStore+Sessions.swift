import Contracts
import Foundation
import GRDB
import Messaging

// MARK: - Sessions

extension EnrolmentStore {
    /// Schedules a session of a course version the catalogue published, announcing it.
    public func schedule(_ plan: SessionPlan, actor: String) async throws -> SessionView {
        let date = timestamp
        return try await write { db in
            let course = try Self.courseVersion(plan.course, in: db)
            let session = try Session.schedule(id: Self.newID("ses"), plan: plan, course: course)
            try session.insert(db)
            try Self.record(
                "session", id: session.id, sessionID: session.id, command: "schedule", from: nil,
                to: session.state.rawValue, actor: actor, reason: nil, at: date, in: db)
            try Outbox.append(
                SessionScheduled(
                    sessionID: session.id, course: session.course, academy: session.academy,
                    schoolLevel: session.schoolLevel, district: session.district, pafModule: session.pafModule,
                    title: session.title, calendar: session.calendar, trainerIDs: session.trainerIDs,
                    tutorIDs: session.tutorIDs, capacity: session.capacity, mode: session.mode, actorID: actor,
                    occurredAt: date),
                time: date, in: db)
            return try Self.view(of: session, in: db)
        }
    }

    /// Applies a life-cycle or staffing command to a session, recording and announcing it.
    public func apply(_ command: SessionCommand, toSession id: String, actor: String) async throws -> SessionView {
        let date = timestamp
        return try await write { db in
            var session = try Self.session(id, in: db)
            let before = session.state
            try session.apply(command)
            try session.update(db)
            var reason: String? = nil
            switch command {
            case .open:
                try Outbox.append(SessionOpened(sessionID: id, actorID: actor, occurredAt: date), time: date, in: db)
            case .start:
                try Outbox.append(SessionStarted(sessionID: id, actorID: actor, occurredAt: date), time: date, in: db)
            case .close:
                try Outbox.append(SessionClosed(sessionID: id, actorID: actor, occurredAt: date), time: date, in: db)
            case .cancel(let why):
                reason = why
                try Outbox.append(
                    SessionCancelled(sessionID: id, actorID: actor, reason: why, occurredAt: date), time: date, in: db)
            case .assignTrainers(let ids):
                reason = "trainers: " + ids.joined(separator: ", ")
                try Self.announceStaff(of: session, actor: actor, at: date, in: db)
            case .assignTutors(let ids):
                reason = "tutors: " + ids.joined(separator: ", ")
                try Self.announceStaff(of: session, actor: actor, at: date, in: db)
            }
            try Self.record(
                "session", id: id, sessionID: id, command: command.name, from: before.rawValue,
                to: session.state.rawValue, actor: actor, reason: reason, at: date, in: db)
            return try Self.view(of: session, in: db)
        }
    }

    /// Announces the session's whole staff assignment: tracking decides from it who follows the session and
    /// records its attendance.
    private static func announceStaff(of session: Session, actor: String, at date: Date, in db: Database) throws {
        try Outbox.append(
            SessionStaffChanged(
                sessionID: session.id, academy: session.academy, trainerIDs: session.trainerIDs,
                tutorIDs: session.tutorIDs, actorID: actor, occurredAt: date),
            time: date, in: db)
    }

    /// A session with its seats.
    public func session(_ id: String) async throws -> SessionView {
        try await database.read { db in try Self.view(of: try Self.session(id, in: db), in: db) }
    }

    /// Sessions, optionally of one academy and in one state, by id.
    public func sessions(academy: String?, state: SessionState?, limit: Int = 200) async throws -> [SessionView] {
        try await database.read { db in
            var request = Session.all()
            if let academy { request = request.filter(Session.Columns.academy == academy) }
            if let state { request = request.filter(Session.Columns.state == state.rawValue) }
            return try request.order(Session.Columns.id).limit(limit).fetchAll(db).map { try Self.view(of: $0, in: db) }
        }
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
