import Contracts
import Foundation
import GRDB
import Messaging

// Inside a transaction: the reads and writes the use cases of EnrolmentApplication compose.

extension EnrolmentStore {
    // MARK: - Inside a transaction

    static func enter(
        _ session: Session, participant: String, entry: EnrolmentEntry, group: String?, actor: String, at date: Date,
        in db: Database
    ) throws -> Enrolment {
        if let existing = try liveEnrolment(of: participant, in: session.id, db: db) {
            throw EnrolmentFailure.alreadyEnrolled(enrolmentID: existing.id, state: existing.state)
        }
        let seatFree = try seatsTaken(session.id, in: db) < session.capacity
        let state = EnrolmentStateMachine.initial(entry, seatFree: seatFree)
        var acceptanceRequired = false
        if case .designation(let required) = entry { acceptanceRequired = required }
        var enrolment = Enrolment(
            id: UUID().uuidString.lowercased(),  // a bare UUID: xAPI statements use it as their registration
            sessionID: session.id, participantID: participant, state: state, group: group,
            acceptanceRequired: acceptanceRequired,
            waitlistRank: state == .waitlisted ? try nextRank(session.id, in: db) : nil,
            createdAt: date, updatedAt: date)
        try enrolment.insert(db)
        let command: String =
            switch entry {
            case .application: "apply"
            case .designation: "designate"
            case .selfEnrolment: "enrol"
            }
        try record(
            "enrolment", id: enrolment.id, sessionID: session.id, command: command, from: nil, to: state.rawValue,
            actor: actor, reason: nil, at: date, in: db)
        if case .designation = entry {
            try Outbox.append(
                EnrolmentDesignated(
                    enrolmentID: enrolment.id, sessionID: session.id, participantID: participant, actorID: actor,
                    acceptanceRequired: acceptanceRequired, group: group, occurredAt: date),
                time: date, in: db)
        }
        try announce(
            &enrolment, reaching: state, by: .approve, in: session, actor: actor, reason: nil, at: date, db: db)
        return enrolment
    }

    /// Moves an enrolment by the state machine, deciding seats from the count in this transaction.
    static func move(
        _ enrolment: inout Enrolment, _ command: EnrolmentCommand, in session: Session, actor: String?, reason: String?,
        at date: Date, db: Database
    ) throws {
        let seatFree = try seatsTaken(session.id, in: db) < session.capacity
        let before = enrolment.state
        let after = try EnrolmentStateMachine.next(from: before, on: command, seatFree: seatFree)
        enrolment.state = after
        enrolment.updatedAt = date
        enrolment.waitlistRank = after == .waitlisted ? try nextRank(session.id, in: db) : nil
        try enrolment.update(db)
        try record(
            "enrolment", id: enrolment.id, sessionID: session.id, command: command.rawValue, from: before.rawValue,
            to: after.rawValue, actor: actor, reason: reason, at: date, in: db)
        try announce(
            &enrolment, reaching: after, by: command, in: session, actor: actor, reason: reason, at: date, db: db)
    }

    /// Writes the event announcing that `enrolment` reached `state` by `command`.
    static func announce(
        _ enrolment: inout Enrolment, reaching state: EnrolmentState, by command: EnrolmentCommand, in session: Session,
        actor: String?, reason: String?, at date: Date, db: Database
    ) throws {
        let (id, participant) = (enrolment.id, enrolment.participantID)
        switch state {
        case .applied:
            try Outbox.append(
                EnrolmentApplied(
                    enrolmentID: id, sessionID: session.id, participantID: participant, actorID: actor ?? participant,
                    occurredAt: date),
                time: date, in: db)
        case .designated:
            break  // announced by EnrolmentDesignated when it was created
        case .approved where command == .revokeCompletion:
            break  // announced by the caller, which knows the revision and the hours given back
        case .approved where command == .promote:
            try Outbox.append(
                EnrolmentPromoted(
                    enrolmentID: id, sessionID: session.id, participantID: participant, academy: session.academy,
                    course: session.course, schoolLevel: session.schoolLevel, actorID: actor, occurredAt: date),
                time: date, in: db)
        case .approved:
            try Outbox.append(
                EnrolmentApproved(
                    enrolmentID: id, sessionID: session.id, participantID: participant, academy: session.academy,
                    course: session.course, schoolLevel: session.schoolLevel, actorID: actor ?? participant,
                    occurredAt: date),
                time: date, in: db)
        case .waitlisted:
            let position = try waitlistPositions(session.id, in: db)[id] ?? 1
            try Outbox.append(
                EnrolmentWaitlisted(
                    enrolmentID: id, sessionID: session.id, participantID: participant, position: position,
                    actorID: actor ?? participant, occurredAt: date),
                time: date, in: db)
        case .refused:
            try Outbox.append(
                EnrolmentRefused(
                    enrolmentID: id, sessionID: session.id, participantID: participant, actorID: actor ?? "",
                    reason: reason,
                    occurredAt: date),
                time: date, in: db)
        case .withdrawn:
            try Outbox.append(
                EnrolmentWithdrawn(
                    enrolmentID: id, sessionID: session.id, participantID: participant, actorID: actor ?? participant,
                    reason: reason, occurredAt: date),
                time: date, in: db)
        case .completed:
            // One announcement per completion of the enrolment (a correction may revoke one, and the teacher
            // complete again): a deterministic id, numbered after the first, makes a second one impossible.
            let times =
                try Int.fetchOne(
                    db,
                    sql:
                        "SELECT COUNT(*) FROM transition WHERE aggregate = 'enrolment' AND aggregateID = ? AND command = ?",
                    arguments: [id, EnrolmentCommand.complete.rawValue]) ?? 1
            try Outbox.append(
                EnrolmentCompleted(
                    enrolmentID: id, sessionID: session.id, participantID: participant, actorID: actor, reason: reason,
                    occurredAt: date),
                id: EnrolmentCompleted.eventID(enrolmentID: id, completion: times), time: date, in: db)
        }
    }

    /// Promotes waitlisted teachers, first come first served, while seats are free.
    static func promoteWaitlisted(in session: Session, at date: Date, db: Database) throws {
        while try seatsTaken(session.id, in: db) < session.capacity,
            var next = try Enrolment.filter(
                Enrolment.Columns.sessionID == session.id && Enrolment.Columns.state == "waitlisted"
            )
            .order(Enrolment.Columns.waitlistRank).fetchOne(db)
        {
            try move(&next, .promote, in: session, actor: nil, reason: "a seat freed", at: date, db: db)
        }
    }

    static func enrolment(_ id: String, in db: Database) throws -> Enrolment {
        guard let enrolment = try Enrolment.fetchOne(db, key: id) else {
            throw EnrolmentFailure.notFound(what: "Enrolment", id: id)
        }
        return enrolment
    }

    static func liveEnrolment(of participant: String, in sessionID: String, db: Database) throws -> Enrolment? {
        try Enrolment.filter(
            Enrolment.Columns.sessionID == sessionID && Enrolment.Columns.participantID == participant
                && ![EnrolmentState.refused.rawValue, EnrolmentState.withdrawn.rawValue].contains(
                    Enrolment.Columns.state)
        ).fetchOne(db)
    }

    static func seatsTaken(_ sessionID: String, in db: Database) throws -> Int {
        try Int.fetchOne(
            db, sql: "SELECT COUNT(*) FROM enrolment WHERE sessionID = ? AND state IN ('approved', 'completed')",
            arguments: [sessionID]) ?? 0
    }

    static func nextRank(_ sessionID: String, in db: Database) throws -> Int {
        try Int.fetchOne(
            db, sql: "SELECT COALESCE(MAX(waitlistRank), 0) + 1 FROM enrolment WHERE sessionID = ?",
            arguments: [sessionID]) ?? 1
    }

    /// Waitlisted enrolment id → position from 1, by order of arrival on the list.
    static func waitlistPositions(_ sessionID: String, in db: Database) throws -> [String: Int] {
        let ids = try String.fetchAll(
            db, sql: "SELECT id FROM enrolment WHERE sessionID = ? AND state = 'waitlisted' ORDER BY waitlistRank",
            arguments: [sessionID])
        return Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, $0 + 1) })
    }

    static func view(of enrolment: Enrolment, in db: Database) throws -> EnrolmentView {
        guard enrolment.state == .waitlisted, let rank = enrolment.waitlistRank else {
            return EnrolmentView(enrolment, position: nil)
        }
        let ahead =
            try Int.fetchOne(
                db,
                sql: "SELECT COUNT(*) FROM enrolment WHERE sessionID = ? AND state = 'waitlisted' AND waitlistRank < ?",
                arguments: [enrolment.sessionID, rank]) ?? 0
        return EnrolmentView(enrolment, position: ahead + 1)
    }
}
