import Contracts
import Foundation
import GRDB
import Logging

/// The upgrade from one tracking file for all partitions (`tracking.sqlite`, versions before partition files)
/// to one file per partition (`tracking.p00.sqlite` … `tracking.p31.sqlite`), done at the first start.
///
/// Each partition's file is a copy of the old one (`VACUUM INTO`, a consistent snapshot) keeping only its
/// sessions' rows; course versions, the enrolment directory and the inbox are kept in every file (reference data,
/// and the record of events already applied); the outbox and the statements without a session stay in partition 0's file only,
/// so that nothing is published twice. A file is written under a temporary name and renamed when complete; the
/// old file is renamed `<name>.split` last, kept as a backup. Interrupted, the next start finishes the files
/// still missing (those present were complete before the service could write to them).
enum LegacyStoreSplit {
    /// Splits `storePath` when it exists; every partition gets its file (an instance owning fewer receives the
    /// others' files by the move procedure).
    static func splitIfNeeded(storePath: String, owned: PartitionSet, logger: Logger) throws {
        let files = FileManager.default
        guard files.fileExists(atPath: storePath) else { return }
        let legacy = try ServiceStoreOpener.open(path: storePath)
        var split = 0
        for partition in 0..<TrackingPartitions.count {
            let target = PartitionNaming.file(ofPartition: partition, storePath: storePath)
            guard !files.fileExists(atPath: target) else { continue }
            let partial = target + ".partial"
            try? files.removeItem(atPath: partial)
            try legacy.writeWithoutTransaction { db in
                try db.execute(sql: "VACUUM INTO ?", arguments: [partial])
            }
            try keepOnly(partition: partition, in: partial)
            try files.moveItem(atPath: partial, toPath: target)
            split += 1
        }
        try legacy.close()
        for suffix in ["", "-wal", "-shm"] where files.fileExists(atPath: storePath + suffix) {
            try files.moveItem(atPath: storePath + suffix, toPath: storePath + ".split" + suffix)
        }
        logger.notice(
            "tracking store split into one file per partition (the old file is kept as a backup)",
            metadata: [
                "store": "\(storePath)", "backup": "\(storePath).split", "partitions.written": "\(split)",
                "partitions.owned": "\(owned)",
            ])
    }

    /// Deletes from a copy every row of the other partitions' sessions (and the outbox, outside partition 0).
    private static func keepOnly(partition: Int, in path: String) throws {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = false
        let copy = try DatabaseQueue(path: path, configuration: configuration)
        try copy.write { db in
            db.add(
                function: DatabaseFunction("magistere_partition", argumentCount: 1, pure: true) { values in
                    String.fromDatabaseValue(values[0]).map { TrackingPartitions.partition(ofSession: $0) }
                })
            let tables = try String.fetchAll(
                db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
            // The directory of enrolments is kept whole in every partition's file.
            for table in tables where table != "enrolment_directory" {
                guard try db.columns(in: table).contains(where: { $0.name == "session_id" }) else { continue }
                let orphans = partition == 0 ? "" : " OR session_id IS NULL"
                try db.execute(
                    sql: "DELETE FROM \(table.quotedDatabaseIdentifier) WHERE magistere_partition(session_id) <> ?"
                        + orphans,
                    arguments: [partition])
            }
            if partition != 0 { try db.execute(sql: "DELETE FROM magistere_outbox") }
        }
        try copy.writeWithoutTransaction { db in try db.execute(sql: "VACUUM") }
        try copy.close()
    }
}
