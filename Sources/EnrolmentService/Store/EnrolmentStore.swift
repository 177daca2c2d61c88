import Contracts
import Foundation
import GRDB
import Messaging
import ServiceSupport

/// The enrolment service's SQLite store: sessions, enrolments, their history, the course read model
/// and the teachers' completed trainings, with the outbox and inbox beside them.
///
/// Every write is atomic: the state change, its history rows and its outbox events commit together, in a
/// savepoint of a transaction that concurrent writes share (``GroupCommit``: one commit for a burst of
/// applications or consumed events). Seat decisions read the seat count inside that savepoint, after the
/// writes queued before it; there is one writer, so two requests can never both take the last seat.
public struct EnrolmentStore: Sendable {
    /// The inbox consumer name of this service's event handlers.
    public static let consumer = "enrolment.events"

    /// The store's database: only this type reads and writes it (the outbox relay shares the pool).
    private let database: any DatabaseWriter
    /// Called after a transaction that wrote to the outbox committed (the relay's nudge).
    let eventsWritten: @Sendable () -> Void
    let now: @Sendable () -> Date
    /// The store's one writer: concurrent writes share transactions.
    private let commits: GroupCommit

    public init(
        database: any DatabaseWriter, eventsWritten: @escaping @Sendable () -> Void = {},
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.database = database
        self.eventsWritten = eventsWritten
        self.now = now
        self.commits = GroupCommit(database)
    }

    /// Runs `body` atomically (see ``GroupCommit``) and nudges the outbox relay once it has committed.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let result = try await commits.write(body)
        eventsWritten()
        return result
    }

    /// Runs `body` in one read transaction (a consistent snapshot).
    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await database.read(body)
    }

    /// The current time, truncated to the millisecond like every time on the wire.
    var timestamp: Date { Timestamp.truncated(now()) }

    static func newID(_ prefix: String) -> String { "\(prefix)-\(UUID().uuidString.lowercased())" }

    /// Records a transition in the history table.
    static func record(
        _ aggregate: String, id: String, sessionID: String, command: String, from: String?, to: String,
        actor: String?, reason: String?, at date: Date, in db: Database
    ) throws {
        try Transition(
            seq: nil, aggregate: aggregate, aggregateID: id, sessionID: sessionID, command: command, fromState: from,
            toState: to, actorID: actor, reason: reason, occurredAt: date
        ).insert(db)
    }
}
