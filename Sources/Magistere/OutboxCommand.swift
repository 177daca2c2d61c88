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
        @Option(help: "The service's SQLite store.") var store: String

        func run() async throws {
            guard FileManager.default.fileExists(atPath: store) else {
                throw ValidationError("no store at \(store)")
            }
            let database = try DatabaseQueue(
                path: store,
                configuration: {
                    var c = Configuration()
                    c.readonly = true
                    return c
                }())
            let status = try await database.read { db in try Outbox.status(in: db) }
            print("pending: \(status.pending)")
            print("published (kept): \(status.published)")
            print("unroutable (kept, no queue received them): \(status.unroutable)")
            print("oldest pending age: \(status.oldestPendingAge.map { String(format: "%.1f s", $0) } ?? "-")")
            print("attempts on oldest: \(status.headAttempts)")
            if let error = status.lastError { print("last error: \(error)") }
        }
    }
}
