import ArgumentParser
import Contracts
import Foundation
import Logging
import Messaging

/// `magistere events watch`: bind a queue of your own and print the events that arrive in it.
struct EventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events", abstract: "Look at the platform's events on the broker.", subcommands: [Watch.self])

    struct Watch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Declare a queue bound to the events exchange and print each CloudEvent that arrives (Ctrl-C stops).")
        @OptionGroup var broker: BrokerOptions
        @Option(help: "Routing key pattern to bind (repeatable), e.g. tracking.course.completed.v1 or 'catalog.#'.")
        var binding: [String] = ["#"]
        @Option(help: "Queue name (kept after exit, so nothing is missed between runs).") var queue = "magistere.watch"
        @Option(help: "Stop after this many events (0: never).") var count = 0

        func run() async throws {
            var logger = Logger(label: "magistere.watch")
            logger.logLevel = .warning
            let transport = try broker.transport(logger: logger)
            defer { transport.close() }
            let subscription = Subscription(queue: queue, bindings: binding, prefetch: 16)
            try await transport.declare(subscription)
            FileHandle.standardOutput.write(
                Data(
                    "watching \(queue) bound to \(try broker.topology().exchange) with \(binding.joined(separator: ", "))\n"
                        .utf8))
            let seen = Counted()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await transport.consume(subscription) { delivery in
                        let text = String(decoding: delivery.message.body, as: UTF8.self)
                        FileHandle.standardOutput.write(
                            Data("\(delivery.message.type)  id=\(delivery.message.id)\n\(text)\n\n".utf8))
                        await seen.increment()
                        return .ack
                    }
                }
                while true {
                    let seenSoFar = await seen.value
                    if count > 0 && seenSoFar >= count { break }
                    try await Task.sleep(for: .milliseconds(50))
                }
                group.cancelAll()
            }
        }
    }
}

private actor Counted {
    var value = 0
    func increment() { value += 1 }
}
