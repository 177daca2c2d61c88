import Contracts
import Foundation
import GRDB
import Messaging

// MARK: - Sessions

extension EnrolmentApplication {
    /// Schedules a session of a course version the catalogue published, announcing it.
    func schedule(_ plan: SessionPlan, actor: String) async throws -> SessionView {
        let date = store.timestamp
        return try await store.write { db in
            let course = try EnrolmentStore.courseVersion(plan.course, in: db)
            let session = try Session.schedule(id: EnrolmentStore.newID("ses"), plan: plan, course: course)
            try session.insert(db)
            try EnrolmentStore.record(
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
            return try EnrolmentStore.view(of: session, in: db)
        }
    }

    /// Applies a life-cycle or staffing command to a session, recording and announcing it.
    func apply(_ command: SessionCommand, toSession id: String, actor: String) async throws -> SessionView {
        let date = store.timestamp
        return try await store.write { db in
            var session = try EnrolmentStore.session(id, in: db)
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
                try EnrolmentStore.announceStaff(of: session, actor: actor, at: date, in: db)
            case .assignTutors(let ids):
                reason = "tutors: " + ids.joined(separator: ", ")
                try EnrolmentStore.announceStaff(of: session, actor: actor, at: date, in: db)
            }
            try EnrolmentStore.record(
                "session", id: id, sessionID: id, command: command.name, from: before.rawValue,
                to: session.state.rawValue, actor: actor, reason: reason, at: date, in: db)
            return try EnrolmentStore.view(of: session, in: db)
        }
    }

    /// A session with its seats.
    func session(_ id: String) async throws -> SessionView {
        try await store.read { db in
            try EnrolmentStore.view(of: try EnrolmentStore.session(id, in: db), in: db)
        }
    }

    /// Sessions, optionally of one academy, in one state, of one district or PAF module, or led by one member of
    /// staff (a trainer or a tutor), by id.
    func sessions(
        academy: String?, state: SessionState?, district: String? = nil, pafModule: String? = nil, staff: String? = nil,
        limit: Int = 200
    ) async throws -> [SessionView] {
        try await store.read { db in
            var request = Session.all()
            if let academy { request = request.filter(Session.Columns.academy == academy) }
            if let state { request = request.filter(Session.Columns.state == state.rawValue) }
            if let district { request = request.filter(Column("district") == district) }
            if let pafModule { request = request.filter(Column("pafModule") == pafModule) }
            if let staff {
                // The staff lists are JSON arrays of pseudonymous ids (no quote in an id): an exact element match.
                let element = "\"\(staff)\""
                request = request.filter(
                    sql: "instr(trainerIDs, ?) > 0 OR instr(tutorIDs, ?) > 0", arguments: [element, element])
            }
            return try request.order(Session.Columns.id).limit(limit).fetchAll(db).map {
                try EnrolmentStore.view(of: $0, in: db)
            }
        }
    }
}
