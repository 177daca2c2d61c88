import Contracts
import Foundation
import GRDB
import ServiceSupport

/// The tracking state of a set of partitions, in one SQLite file (one `DatabasePool`), with the outbox
/// and inbox beside it.
///
/// Today one store holds all ``TrackingPartitions/count`` partitions (see ``TrackingStores``). Nothing
/// here assumes it: every session row names its partition, every read and write of session data goes
/// through the session's key, and a write is one transaction in the store that owns the session. Moving
/// to one file per partition (or per group of partitions) is a change of ``TrackingStores``' mapping,
/// plus copying course versions (reference data) into each file — not a change of this type.
public final class PartitionStore: Sendable {
    /// The partitions this store owns.
    public let partitions: Set<Int>
    /// The store's database: only this type reads and writes it (the outbox relay shares the pool).
    private let database: DatabasePool
    private let outboxWritten: @Sendable () -> Void
    /// The published course versions of this store, decoded once.
    let plans = CoursePlans()
    /// The store's one writer: concurrent writes share transactions (see ``GroupCommit``).
    private let commits: GroupCommit

    /// - Parameter outboxWritten: called after a transaction appended events to the outbox (nudges the relay).
    public init(
        database: DatabasePool, partitions: Set<Int> = Set(0..<TrackingPartitions.count),
        outboxWritten: @escaping @Sendable () -> Void = {}, maximumBatch: Int = 256
    ) {
        self.database = database
        self.partitions = partitions
        self.outboxWritten = outboxWritten
        self.commits = GroupCommit(database, maximumBatch: maximumBatch)
    }

    /// Write transactions so far (each holding a batch of concurrent writes).
    public var transactionCount: Int { commits.transactionCount }

    /// Runs `body` atomically (a savepoint of a transaction it may share with concurrent writes, see
    /// ``GroupCommit``) and returns once that transaction committed; when it appended to the outbox, nudges the
    /// relay afterwards.
    public func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let (value, appended) = try await commits.write { db -> (T, Bool) in
            let before = try Self.outboxCount(db)
            let value = try body(db)
            return (value, try Self.outboxCount(db) != before)
        }
        if appended { outboxWritten() }
        return value
    }

    /// Lets the writes already queued commit, folds the write-ahead log into the file and closes it: the file is
    /// then whole and still, ready to be handed to another instance.
    func close() async throws {
        _ = try await write { _ in () }
        try await database.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        try database.close()
    }

    /// Runs `body` in one read transaction (a consistent snapshot).
    public func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await database.read(body)
    }

    private static func outboxCount(_ db: Database) throws -> Int {
        try Int.fetchOne(db.cachedStatement(sql: "SELECT COALESCE(MAX(seq), 0) FROM magistere_outbox")) ?? 0
    }
}
