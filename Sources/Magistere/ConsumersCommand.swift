import ArgumentParser
import Foundation
import ServiceSupport

/// `magistere consumers`: how far behind each instance's event consumers are, and pausing or resuming them (the same
/// `GET /consumers`, `POST /consumers/pause` and `POST /consumers/resume` every service serves to operators).
struct ConsumersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consumers",
        abstract: "Services' event consumers: how far behind they are; pause and resume them on an instance.",
        subcommands: [Status.self, Pause.self, Resume.self])

    /// The instances to ask, and how to sign an operator's token.
    struct Instances: ParsableArguments {
        @Option(
            name: .customLong("url"),
            help: "A service instance's base URL (repeat for several; default: the three services of `magistere up`).")
        var urls: [String] = ["http://127.0.0.1:8081", "http://127.0.0.1:8082", "http://127.0.0.1:8083"]
        @Option(
            name: .customLong("operator"),
            help: "Who you are, as the signed token's subject: each instance logs it with the pause (default: $USER).")
        var operatorName: String?
        @OptionGroup var tokens: SignedTokens

        /// Asks every instance, whatever happens to the others (a pause must not stop half-way because one instance is
        /// down), then fails if any did.
        func each(_ body: (OperatorClient, String) async throws -> View) async throws {
            let subject = operatorName ?? ProcessInfo.processInfo.environment["USER"] ?? "magistere-consumers"
            let client = try await tokens.client(subject: subject, roles: [.operator])
            var failed = 0
            for url in urls {
                let base = url.hasSuffix("/") ? String(url.dropLast()) : url
                do {
                    print(try await body(client, base).report(at: base))
                } catch {
                    failed += 1
                    print("\(base): FAILED: \(error)")
                }
            }
            if failed > 0 { throw ExitCode.failure }
        }
    }

    /// What an instance answers.
    struct View: Decodable {
        struct Pause: Decodable {
            var since: String
            var reason: String
            var by: String
        }

        struct Queue: Decodable {
            var queue: String
            var depth: Int?
            var attached: Bool
            var appliedThrough: String?
            var behindSeconds: Double?
        }

        var service: String
        var paused: Pause?
        var queues: [Queue]

        func report(at url: String) -> String {
            var lines = [
                "\(service) at \(url): "
                    + (paused.map { "PAUSED since \($0.since) by \($0.by): \($0.reason)" } ?? "consuming")
            ]
            for queue in queues {
                let depth = queue.depth.map(String.init) ?? "?"
                let behind = queue.behindSeconds.map { String(format: "%.1f s behind", $0) } ?? "no watermark yet"
                lines.append(
                    "  \(queue.queue): \(depth) waiting, \(queue.attached ? "attached" : "detached"), \(behind)"
                        + (queue.appliedThrough.map { " (applied through \($0))" } ?? ""))
            }
            return lines.joined(separator: "\n")
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Each queue consumed: messages waiting, attached or not, how far behind the watermark is.")
        @OptionGroup var instances: Instances

        func run() async throws {
            try await instances.each { client, url in try await client.json(View.self, .get, url + "/consumers") }
        }
    }

    struct Pause: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Stop consuming on these instances (HTTP keeps answering; the broker keeps what arrives) until resumed or restarted."
        )
        @OptionGroup var instances: Instances
        @Option(help: "Why (logged by each instance).") var reason: String

        func run() async throws {
            try await instances.each { client, url in
                try await client.json(View.self, .post, url + "/consumers/pause", body: ["reason": reason])
            }
        }
    }

    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Consume again on these instances.")
        @OptionGroup var instances: Instances

        func run() async throws {
            try await instances.each { client, url in try await client.json(View.self, .post, url + "/consumers/resume")
            }
        }
    }
}
