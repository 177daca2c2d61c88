import Contracts
import Foundation
import GRDB
import Messaging

// MARK: - Enrolments: entering a session, transitions, seats and the waiting list

extension EnrolmentStore {
    /// A teacher comes into a session (applies, is designated, or enrols), taking a seat or a place on the
    /// waiting list when that is what the way in gives.
    public func enter(
        session sessionID: String, participant: String, by entry: EnrolmentEntry, group: String? = nil, actor: String
    ) async throws -> EnrolmentView {
        let date = timestamp
        return try await write { db in
            let session = try Self.session(sessionID, in: db)
            try session.admit(entry)
            let enrolment = try Self.enter(
                session, participant: participant, entry: entry, group: group, actor: actor, at: date, in: db)
            return try Self.view(of: enrolment, in: db)
        }
    }

    /// Designates every teacher of a checked file in one transaction: all of them, or none when any
    /// line breaks a rule that only the store can check (a teacher already enrolled).
    public func designate(
        _ list: DesignationList, session sessionID: String, acceptanceRequired: Bool, actor: String
    ) async throws -> [EnrolmentView] {
        let date = timestamp
        return try await write { db in
            let session = try Self.session(sessionID, in: db)
            let entry = EnrolmentEntry.designation(acceptanceRequired: acceptanceRequired)
            try session.admit(entry)
            var errors: [DesignationList.LineError] = []
            for line in list.entries {
                if let existing = try Self.liveEnrolment(of: line.participantID, in: sessionID, db: db) {
                    errors.append(
                        .init(
                            line: line.line, field: "participantID",
                            problem: "already enrolled in this session (\(existing.id), \(existing.state.rawValue))"))
                }
            }
            guard errors.isEmpty else { throw DesignationFileRejected(reporting: errors) }
            return try list.entries.map { line in
                let enrolment = try Self.enter(
                    session, participant: line.participantID, entry: entry, group: line.group, actor: actor, at: date,
                    in: db)
                return try Self.view(of: enrolment, in: db)
            }
        }
    }

    /// Applies a command to an enrolment; a withdrawal that frees a seat promotes the first waitlisted teacher.
    public func apply(
        _ command: EnrolmentCommand, toEnrolment id: String, actor: String?, reason: String? = nil
    ) async throws -> EnrolmentView {
        let date = timestamp
        return try await write { db in
            var enrolment = try Self.enrolment(id, in: db)
            let session = try Self.session(enrolment.sessionID, in: db)
            try session.allow(command)
            let freedSeat = command == .withdraw && enrolment.state.holdsSeat
            try Self.move(&enrolment, command, in: session, actor: actor, reason: reason, at: date, db: db)
            if freedSeat && session.state.takesDecisions {
                try Self.promoteWaitlisted(in: session, at: date, db: db)
            }
            return try Self.view(of: enrolment, in: db)
        }
    }

    /// An enrolment with its waiting-list position.
    public func enrolment(_ id: String) async throws -> EnrolmentView {
        try await database.read { db in try Self.view(of: try Self.enrolment(id, in: db), in: db) }
    }

    /// The enrolments of a session, optionally in one state, in order of arrival.
    public func enrolments(session sessionID: String, state: EnrolmentState?) async throws -> [EnrolmentView] {
        try await database.read { db in
            _ = try Self.session(sessionID, in: db)
            var request = Enrolment.filter(Enrolment.Columns.sessionID == sessionID)
            if let state { request = request.filter(Enrolment.Columns.state == state.rawValue) }
            let enrolments = try request.order(Enrolment.Columns.createdAt, Enrolment.Columns.id).fetchAll(db)
            let positions = try Self.waitlistPositions(sessionID, in: db)
            return enrolments.map { EnrolmentView($0, position: positions[$0.id]) }
        }
    }

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
            // One completion per enrolment: a deterministic id makes a second announcement impossible.
            try Outbox.append(
                EnrolmentCompleted(
                    enrolmentID: id, sessionID: session.id, participantID: participant, actorID: actor, reason: reason,
                    occurredAt: date),
                id: "enrolment-completed-\(id)", time: date, in: db)
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
