import ArgumentParser
import Foundation
import GRDB
import Messaging

/// Operator commands on a service store's outbox.
struct OutboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox", abstract: "Outbox of a service store.", subcommands: [Status.self])

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "How many events wait to be published, and since when.")
        @Option(
            help: "The service's SQLite store (for tracking, data/tracking.sqlite reads every partition's file).")
        var store: String

        func run() async throws {
            let files = StoreFiles.resolve(store)
            guard !files.isEmpty else { throw ValidationError("no store at \(store)") }
            var configuration = Configuration()
            configuration.readonly = true
            var statuses: [OutboxStatus] = []
            for file in files {
                let status = try await DatabaseQueue(path: file, configuration: configuration).read { db in
                    try Outbox.status(in: db)
                }
                if files.count > 1 {
                    print("\(URL(fileURLWithPath: file).lastPathComponent): pending \(status.pending)")
                }
                statuses.append(status)
            }
            let status = statuses.max { ($0.oldestPendingAge ?? -1) < ($1.oldestPendingAge ?? -1) }!
            print("pending: \(statuses.map(\.pending).reduce(0, +))")
            print("published (kept): \(statuses.map(\.published).reduce(0, +))")
            print("unroutable (kept, no queue received them): \(statuses.map(\.unroutable).reduce(0, +))")
            print("oldest pending age: \(status.oldestPendingAge.map { String(format: "%.1f s", $0) } ?? "-")")
            print("attempts on oldest: \(status.headAttempts)")
            if let error = status.lastError { print("last error: \(error)") }
        }
    }
}
