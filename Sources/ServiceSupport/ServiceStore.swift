import Foundation
import GRDB
import Messaging

/// Opens a service's SQLite store: WAL, a busy timeout, the messaging tables and the service's own
/// named, forward-only migrations, applied at start-up.
public enum ServiceStore {
    /// A store written by a newer version of the service: this binary must not touch it.
    public struct NewerStoreError: Error, CustomStringConvertible {
        public var path: String
        public var unknownMigrations: [String]
        public var description: String {
            "the store \(path) was migrated by a newer version of this service (unknown migrations: "
                + unknownMigrations.joined(separator: ", ") + "); upgrade the service instead of downgrading it"
        }
    }

    /// Opens (creating if needed) the store at `path` and migrates it.
    ///
    /// `migrations` registers the service's own migrations; the outbox and inbox tables come first.
    public static func open(
        path: String, readers: Int = 4, migrations: (inout DatabaseMigrator) -> Void
    ) throws -> DatabasePool {
        // Personal data: owner-only from the first byte (SQLite gives its -wal and -shm files the same mode).
        try PrivateFile.prepare(path)
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.maximumReaderCount = readers
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA foreign_keys = ON")
        }
        let pool = try DatabasePool(path: path, configuration: configuration)
        let migrator = migrator(migrations)
        let unknown = try pool.read { db in
            try migrator.appliedIdentifiers(db).subtracting(migrator.migrations)
        }
        guard unknown.isEmpty else { throw NewerStoreError(path: path, unknownMigrations: unknown.sorted()) }
        try migrator.migrate(pool)
        return pool
    }

    /// The full migrator of a service store (messaging tables, then the service's).
    public static func migrator(_ migrations: (inout DatabaseMigrator) -> Void) -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        MessagingMigrations.register(in: &migrator)
        migrations(&migrator)
        return migrator
    }

    /// Applied and pending migrations, for `magistere migrations status`.
    public static func status(
        path: String, migrations: (inout DatabaseMigrator) -> Void
    ) throws
        -> (applied: [String], pending: [String], unknown: [String])
    {
        let migrator = migrator(migrations)
        let queue = try DatabaseQueue(path: path)
        return try queue.read { db in
            let applied = try migrator.appliedIdentifiers(db)
            return (
                migrator.migrations.filter { applied.contains($0) },
                migrator.migrations.filter { !applied.contains($0) },
                applied.subtracting(migrator.migrations).sorted()
            )
        }
    }
}
