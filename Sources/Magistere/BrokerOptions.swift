import ArgumentParser
import Contracts
import Foundation
import Logging
import Messaging

/// How to reach RabbitMQ: flags for people, `MAGISTERE_…` environment variables for operators.
struct BrokerOptions: ParsableArguments {
    @Option(
        name: .customLong("amqp-url"),
        help:
            "Broker URL, a cluster as amqp://user@node1:5672,node2:5672/vhost (env MAGISTERE_AMQP_URL; default amqp://guest:guest@127.0.0.1:5672/)."
    )
    var amqpURL: String?

    @Option(name: .customLong("amqp-password-file"), help: "Broker password file (env MAGISTERE_AMQP_PASSWORD_FILE).")
    var passwordFile: String?

    @Option(
        name: .customLong("amqp-producer-users"),
        help: "catalog=USER,enrolment=USER,tracking=USER (env MAGISTERE_AMQP_PRODUCER_USERS).")
    var producerUsers: String?

    @Option(
        name: .customLong("exchange"),
        help: "Domain events exchange (env MAGISTERE_AMQP_EXCHANGE; default magistere.events).")
    var exchange: String?

    @Option(name: .customLong("amqp-ca-cert"), help: "CA certificate for amqps:// (env MAGISTERE_AMQP_CA_CERT).")
    var caCertificate: String?

    @Option(name: .customLong("queue-type"), help: "quorum or classic (env MAGISTERE_AMQP_QUEUE_TYPE; default quorum).")
    var queueType: String?

    func endpoint() throws -> AMQPEndpoint {
        let ca = Settings.amqpCACertificate.resolve(caCertificate)
        var endpoint = try AMQPEndpoint(
            url: Settings.amqpURL.resolve(amqpURL), caCertificatePath: ca.isEmpty ? nil : ca)
        let passwordFile = Settings.amqpPasswordFile.resolve(passwordFile)
        if !passwordFile.isEmpty {
            endpoint.password = try AuthOptions.read(passwordFile, what: "broker password file")
        }
        guard !endpoint.usesGuestAccountRemotely else {
            throw ValidationError(
                "the broker account 'guest' is for local tests only: give the platform its own user in MAGISTERE_AMQP_URL"
            )
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

    /// The broker user of each producing service, from the setting or by convention from our own user.
    func producers(of endpoint: AMQPEndpoint) throws -> [ServiceName: String] {
        let text = Settings.amqpProducerUsers.resolve(producerUsers)
        guard !text.isEmpty else { return AMQPTransport.conventionalProducerUsers(forUser: endpoint.user) }
        var users: [ServiceName: String] = [:]
        for pair in text.split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, let service = ServiceName(rawValue: parts[0]), !parts[1].isEmpty else {
                throw ValidationError(
                    "--amqp-producer-users: '\(pair)' is not SERVICE=USER (catalog, enrolment, tracking)")
            }
            users[service] = parts[1]
        }
        let missing = ServiceName.allCases.filter { users[$0] == nil }.map(\.rawValue)
        guard missing.isEmpty else {
            throw ValidationError("--amqp-producer-users: no user for \(missing.joined(separator: ", "))")
        }
        return users
    }

    func transport(logger: Logger) throws -> AMQPTransport {
        let endpoint = try endpoint()
        let producers = try producers(of: endpoint)
        if Set(producers.values).count == 1 {
            logger.warning(
                """
                every service uses the same broker user: a consumer cannot tell which service published an event; \
                give each service its own user (docs/security.md)
                """,
                metadata: ["amqp.user": "\(endpoint.user)"])
        }
        return AMQPTransport(endpoint: endpoint, topology: try topology(), producerUsers: producers, logger: logger)
    }
}
