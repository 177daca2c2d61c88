import ArgumentParser
import Foundation
import ServiceSupport

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `magistere replays`: an operator asks tracking (or enrolment, `--enrolment`), for a subscriber, to send again the
/// completion events of a period to the subscriber's queue, and follows the replay (the same `POST /replays` and
/// `GET /replays/{id}` a subscriber calls itself).
struct ReplaysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replays",
        abstract: "Subscribers' replays of tracking's and enrolment's completion events: ask for one, follow it.",
        subcommands: [Request.self, Show.self])

    /// Where the service is and how to sign tokens.
    struct Access: ParsableArguments {
        @Option(help: "A tracking instance's base URL (any one: a replay is followed where it lives).")
        var tracking: String = "http://127.0.0.1:8083"
        @Option(help: "Enrolment's base URL: ask enrolment instead (enrolment.enrolment.completed.v1).")
        var enrolment: String?
        @OptionGroup var tokens: SignedTokens

        /// The service asked: enrolment when named, else tracking.
        var base: String { enrolment ?? tracking }

        func client(subject: String, roles: [Role], academy: String?, events: [String]) async throws -> OperatorClient {
            try await tokens.client(subject: subject, roles: roles, academy: academy, events: events)
        }
    }

    /// What tracking answers about a replay.
    struct Replay: Codable {
        var id: String
        var state: String
        var eventType: String
        var academy: String?
        var queue: String
        var partitionsDone: Int
        var partitions: Int
        var eventsSent: Int
        var failures: [String]
    }

    struct Request: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Ask for a replay on behalf of a subscriber (its queue must exist), and wait for it to finish.")
        @OptionGroup var access: Access
        @Option(name: .customLong("for"), help: "The subscriber's id (its token's subject; its queue starts with it).")
        var subscriber: String
        @Option(help: "The subscriber's academy code, or national for every academy.") var academy: String
        @Option(
            name: .customLong("event-type"),
            help:
                "tracking.course.completed.v1 or …completion-revoked.v1 (tracking); enrolment.enrolment.completed.v1 (enrolment, the default with --enrolment)."
        )
        var eventType: String?
        @Option(help: "Events recorded at or after this instant (RFC 3339, e.g. 2026-12-04T00:00:00Z).")
        var since: String
        @Option(help: "Events recorded before this instant (default: now).") var until: String?
        @Option(help: "The subscriber's queue, e.g. subscriber.sirh-lyon.completions.") var queue: String
        @Flag(help: "Return once accepted, without waiting.") var noWait = false

        func run() async throws {
            let eventType =
                eventType
                ?? (access.enrolment == nil ? "tracking.course.completed.v1" : "enrolment.enrolment.completed.v1")
            let client = try await access.client(
                subject: subscriber, roles: [.subscriber], academy: academy, events: [eventType])
            var body = ["eventType": eventType, "since": since, "queue": queue]
            if let until { body["until"] = until }
            if academy != Caller.nationalClaim { body["academy"] = academy }
            var replay = try await client.json(Replay.self, .post, access.base + "/replays", body: body)
            print(
                "replay \(replay.id) accepted: \(replay.eventType) for \(replay.academy ?? "every academy") → \(replay.queue)"
            )
            guard !noWait else { return }
            while replay.state == "running" {
                try await Task.sleep(for: .seconds(1))
                replay = try await client.json(Replay.self, .get, access.base + "/replays/\(replay.id)")
            }
            print(
                "\(replay.state): \(replay.eventsSent) event(s) sent"
                    + (access.enrolment == nil ? ", \(replay.partitionsDone)/\(replay.partitions) partitions" : ""))
            for failure in replay.failures { print("  failed: \(failure)") }
            if replay.state != "done" { throw ExitCode.failure }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "How far a replay is (as an operator).")
        @OptionGroup var access: Access
        @Argument(help: "The replay's id.") var id: String

        func run() async throws {
            let client = try await access.client(
                subject: "magistere-replays", roles: [.operator], academy: nil, events: [])
            let replay = try await client.json(Replay.self, .get, access.base + "/replays/\(id)")
            print(String(decoding: try JSONEncoder().encode(replay), as: UTF8.self))
        }
    }
}
