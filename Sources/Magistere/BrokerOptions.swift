import ArgumentParser
import Foundation
import Logging
import Messaging

/// How to reach RabbitMQ: flags for people, `MAGISTERE_…` environment variables for operators.
struct BrokerOptions: ParsableArguments {
    @Option(name: .customLong("amqp-url"), help: "Broker URL (env MAGISTERE_AMQP_URL; default amqp://guest:guest@127.0.0.1:5672/).")
    var amqpURL: String?

    @Option(name: .customLong("amqp-password-file"), help: "Broker password file (env MAGISTERE_AMQP_PASSWORD_FILE).")
    var passwordFile: String?

    @Option(name: .customLong("exchange"), help: "Domain events exchange (env MAGISTERE_AMQP_EXCHANGE; default magistere.events).")
    var exchange: String?

    @Option(name: .customLong("amqp-ca-cert"), help: "CA certificate for amqps:// (env MAGISTERE_AMQP_CA_CERT).")
    var caCertificate: String?

    @Option(name: .customLong("queue-type"), help: "quorum or classic (env MAGISTERE_AMQP_QUEUE_TYPE; default quorum).")
    var queueType: String?

    func endpoint() throws -> AMQPEndpoint {
        let ca = Settings.amqpCACertificate.resolve(caCertificate)
        var endpoint = try AMQPEndpoint(url: Settings.amqpURL.resolve(amqpURL), caCertificatePath: ca.isEmpty ? nil : ca)
        let passwordFile = Settings.amqpPasswordFile.resolve(passwordFile)
        if !passwordFile.isEmpty { endpoint.password = try AuthOptions.read(passwordFile, what: "broker password file") }
        guard !endpoint.usesGuestAccountRemotely else {
            throw ValidationError(
                "the broker account 'guest' is for local tests only: give the platform its own user in MAGISTERE_AMQP_URL")
        }
        if endpoint.tls, let path = endpoint.caCertificatePath, !FileManager.default.fileExists(atPath: path) {
            throw ValidationError("the broker CA certificate \(path) does not exist")
        }
        return endpoint
    }

    func topology() throws -> AMQPTopology {
        let type = Settings.queueType.resolve(queueType)
        guard let queueType = AMQPTopology.QueueType(rawValue: type) else {
            throw ValidationError("queue type must be quorum or classic, not '\(type)'")
        }
        return AMQPTopology(exchange: Settings.amqpExchange.resolve(exchange), queueType: queueType)
    }

    func transport(logger: Logger) throws -> AMQPTransport {
        AMQPTransport(endpoint: try endpoint(), topology: try topology(), logger: logger)
    }
}
