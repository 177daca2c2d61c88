import ArgumentParser
import Contracts
import Foundation
import Logging
import Messaging

/// Operator commands on parked messages.
struct DeadLettersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dead-letters", abstract: "Inspect and replay parked messages of a consuming queue.",
        subcommands: [List.self, Replay.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List parked messages (they stay parked; the listed ones move to the back of the queue).")
        @OptionGroup var broker: BrokerOptions
        @Option(help: "The consuming queue, e.g. enrolment.events.") var queue: String
        @Option(help: "At most this many messages.") var limit = 50

        func run() async throws {
            let transport = try broker.transport(logger: Logger(label: "magistere.cli"))
            defer { transport.close() }
            let parked = try await transport.parkedMessages(queue: queue, limit: limit)
            if try await transport.deadLetterQueueIsLegacy(of: queue) {
                // A classic dead-letter queue lives on one node: on a cluster, consumers cannot reconnect
                // elsewhere while that node is down.
                FileHandle.standardError.write(
                    Data(
                        """
                        warning: \(Subscription.deadLetterQueue(of: queue)) is not of the configured queue type \
                        (a classic queue declared by an earlier version lives on one node of a cluster). Recreate it: \
                        `magistere dead-letters replay`, delete the empty queue, then `magistere broker setup` \
                        (docs/messaging.md, "Upgrading the delay and dead-letter queues").

                        """.utf8))
            }
            if parked.isEmpty { print("no parked messages in \(Subscription.deadLetterQueue(of: queue))") }
            for item in parked {
                let at = item.parkedAt.map(Timestamp.format) ?? "-"
                print(
                    "\(item.message.id)\t\(item.message.type)\tattempts=\(item.attempts)\tparked=\(at)\treason=\(item.reason)"
                )
            }
        }
    }

    struct Replay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Move parked messages back to their queue.")
        @OptionGroup var broker: BrokerOptions
        @Option(help: "The consuming queue, e.g. enrolment.events.") var queue: String
        @Option(help: "At most this many messages.") var limit = 1_000

        func run() async throws {
            let transport = try broker.transport(logger: Logger(label: "magistere.cli"))
            defer { transport.close() }
            let count = try await transport.replayParked(queue: queue, limit: limit)
            print("replayed \(count) message(s) to \(queue)")
        }
    }
}
