import Contracts
import Foundation
import GRDB
import Messaging

// MARK: - Enrolments: entering a session, transitions, seats and the waiting list

extension EnrolmentApplication {
    /// A teacher comes into a session (applies, is designated, or enrols), taking a seat or a place on the
    /// waiting list when that is what the way in gives.
    func enter(
        session sessionID: String, participant: String, by entry: EnrolmentEntry, group: String? = nil, actor: String
    ) async throws -> EnrolmentView {
        let date = store.timestamp
        return try await store.write { db in
            let session = try EnrolmentStore.session(sessionID, in: db)
            try session.admit(entry)
            let enrolment = try EnrolmentStore.enter(
                session, participant: participant, entry: entry, group: group, actor: actor, at: date, in: db)
            return try EnrolmentStore.view(of: enrolment, in: db)
        }
    }

    /// Designates every teacher of a checked file in one transaction: all of them, or none when any
    /// line breaks a rule that only the store can check (a teacher already enrolled).
    func designate(
        _ list: DesignationList, session sessionID: String, acceptanceRequired: Bool, actor: String
    ) async throws -> [EnrolmentView] {
        let date = store.timestamp
        return try await store.write { db in
            let session = try EnrolmentStore.session(sessionID, in: db)
            let entry = EnrolmentEntry.designation(acceptanceRequired: acceptanceRequired)
            try session.admit(entry)
            var errors: [DesignationList.LineError] = []
            for line in list.entries {
                if let existing = try EnrolmentStore.liveEnrolment(of: line.participantID, in: sessionID, db: db) {
                    errors.append(
                        .init(
                            line: line.line, field: "participantID",
                            problem: "already enrolled in this session (\(existing.id), \(existing.state.rawValue))"))
                }
            }
            guard errors.isEmpty else { throw DesignationFileRejected(reporting: errors) }
            return try list.entries.map { line in
                let enrolment = try EnrolmentStore.enter(
                    session, participant: line.participantID, entry: entry, group: line.group, actor: actor, at: date,
                    in: db)
                return try EnrolmentStore.view(of: enrolment, in: db)
            }
        }
    }

    /// Applies a command to an enrolment; a withdrawal that frees a seat promotes the first waitlisted teacher.
    func apply(
        _ command: EnrolmentCommand, toEnrolment id: String, actor: String?, reason: String? = nil
    ) async throws -> EnrolmentView {
        let date = store.timestamp
        return try await store.write { db in
            var enrolment = try EnrolmentStore.enrolment(id, in: db)
            let session = try EnrolmentStore.session(enrolment.sessionID, in: db)
            try session.allow(command)
            let freedSeat = command == .withdraw && enrolment.state.holdsSeat
            try EnrolmentStore.move(&enrolment, command, in: session, actor: actor, reason: reason, at: date, db: db)
            if freedSeat && session.state.takesDecisions {
                try EnrolmentStore.promoteWaitlisted(in: session, at: date, db: db)
            }
            return try EnrolmentStore.view(of: enrolment, in: db)
        }
    }

    /// An enrolment with its waiting-list position.
    func enrolment(_ id: String) async throws -> EnrolmentView {
        try await store.read { db in
            try EnrolmentStore.view(of: try EnrolmentStore.enrolment(id, in: db), in: db)
        }
    }

    /// The enrolments of a session, optionally in one state, in order of arrival.
    func enrolments(session sessionID: String, state: EnrolmentState?) async throws -> [EnrolmentView] {
        try await store.read { db in
            _ = try EnrolmentStore.session(sessionID, in: db)
            var request = Enrolment.filter(Enrolment.Columns.sessionID == sessionID)
            if let state { request = request.filter(Enrolment.Columns.state == state.rawValue) }
            let enrolments = try request.order(Enrolment.Columns.createdAt, Enrolment.Columns.id).fetchAll(db)
            let positions = try EnrolmentStore.waitlistPositions(sessionID, in: db)
            return enrolments.map { EnrolmentView($0, position: positions[$0.id]) }
        }
    }

    /// A teacher's own enrolments in every session, newest first, each with its waiting-list position.
    func enrolments(participant: String, limit: Int = 500) async throws -> [EnrolmentView] {
        try await store.read { db in
            let enrolments = try Enrolment.filter(Enrolment.Columns.participantID == participant)
                .order(Enrolment.Columns.createdAt.desc, Column.rowID.desc).limit(limit).fetchAll(db)
            var positions: [String: Int] = [:]
            for sessionID in Set(enrolments.filter { $0.state == .waitlisted }.map(\.sessionID)) {
                positions.merge(try EnrolmentStore.waitlistPositions(sessionID, in: db)) { first, _ in first }
            }
            return enrolments.map { EnrolmentView($0, position: positions[$0.id]) }
        }
    }
}
