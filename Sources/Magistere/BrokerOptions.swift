import ArgumentParser
import Foundation
import Logging
import Messaging

/// How to reach RabbitMQ: flags for people, `MAGISTERE_…` environment variables for operators.
struct BrokerOptions: ParsableArguments {
    @Option(name: .customLong("amqp-url"), help: "Broker URL (env MAGISTERE_AMQP_URL; default amqp://guest:guest@127.0.0.1:5672/).")
    var amqpURL: String?

    @Option(name: .customLong("exchange"), help: "Domain events exchange (env MAGISTERE_AMQP_EXCHANGE; default magistere.events).")
    var exchange: String?

    var resolvedURL: String {
        amqpURL ?? ProcessInfo.processInfo.environment["MAGISTERE_AMQP_URL"] ?? "amqp://guest:guest@127.0.0.1:5672/"
    }

    func transport(logger: Logger) throws -> AMQPTransport {
        let exchange = exchange ?? ProcessInfo.processInfo.environment["MAGISTERE_AMQP_EXCHANGE"] ?? "magistere.events"
        return AMQPTransport(
            endpoint: try AMQPEndpoint(url: resolvedURL), topology: AMQPTopology(exchange: exchange), logger: logger)
    }
}
