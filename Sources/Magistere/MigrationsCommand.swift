import ArgumentParser
import CatalogService
import EnrolmentService
import Foundation
import GRDB
import ServiceSupport
import TrackingService

/// `magistere migrations status`: which named migrations a store has, which it lacks, which it does not know.
struct MigrationsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrations", abstract: "Schema migrations of a service store.", subcommands: [Status.self])

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Applied, pending and unknown (newer) migrations of a service store.")
        @Argument(help: "catalog, enrolment or tracking.") var service: String
        @Option(help: "The store (default <data-dir>/<service>.sqlite).") var store: String?
        @Option(name: .customLong("data-dir"), help: "env MAGISTERE_DATA_DIR; default data.") var dataDirectory: String?

        func run() async throws {
            let register: (inout DatabaseMigrator) -> Void
            switch service {
            case "catalog": register = CatalogMigrations.register
            case "enrolment": register = EnrolmentMigrations.register
            case "tracking": register = TrackingMigrations.register
            default: throw ValidationError("service must be catalog, enrolment or tracking")
            }
            let path =
                store
                ?? URL(fileURLWithPath: Settings.dataDirectory.resolve(dataDirectory))
                .appendingPathComponent("\(service).sqlite").path
            let files = StoreFiles.resolve(path)
            guard !files.isEmpty else { throw ValidationError("no store at \(path)") }
            var unknown = false
            for file in files {
                if files.count > 1 { print("# \(URL(fileURLWithPath: file).lastPathComponent)") }
                let status = try ServiceStore.status(path: file, migrations: register)
                for name in status.applied { print("applied  \(name)") }
                for name in status.pending { print("pending  \(name)  (applied at the next start)") }
                for name in status.unknown {
                    print("UNKNOWN  \(name)  (written by a newer version: this binary refuses the store)")
                }
                unknown = unknown || !status.unknown.isEmpty
            }
            if unknown { throw ExitCode(2) }
        }
    }
}
