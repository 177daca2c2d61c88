import ArgumentParser
import Contracts
import EnrolmentService
import Foundation
import Logging
import Messaging
import ServiceSupport
import TrackingService

/// `magistere broker setup`: declares the exchange and every consuming service's queues and bindings.
///
/// Run once before the services start (docker-compose does it in a one-shot container): a queue
/// receives only what is published after it is bound, so declaring every queue first means that
/// nothing the catalogue publishes at its first start (its seed courses, say) is missed by an
/// enrolment or tracking service that starts a moment later.
struct BrokerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "broker", abstract: "Prepare the broker for the platform.", subcommands: [Setup.self, Users.self])

    struct Setup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Declare the events exchange and the queues, retry queues and bindings of every consumer.")
        @OptionGroup var broker: BrokerOptions

        func run() async throws {
            var logger = Logger(label: "magistere.broker")
            logger.logLevel = .warning
            let transport = try broker.transport(logger: logger)
            defer { transport.close() }
            // The subscriptions are the services' own, read from services built on a throw-away store.
            let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
                "magistere-setup-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: scratch) }
            // Never serves HTTP: any key will do.
            let authenticator = try Authenticator(AuthConfiguration(hmacSecret: TokenIssuer.randomSecret()))
            let services = [
                try await EnrolmentServiceFactory.make(
                    ServiceEnvironment(
                        storePath: scratch.appendingPathComponent("enrolment.sqlite").path, transport: transport,
                        logger: logger,
                        authenticator: authenticator)),
                try await TrackingServiceFactory.make(
                    ServiceEnvironment(
                        storePath: scratch.appendingPathComponent("tracking.sqlite").path, transport: transport,
                        logger: logger,
                        authenticator: authenticator)),
            ]
            try await transport.checkConnection()
            for service in services {
                var declared: Set<String> = []
                for case let subscriber as any EventSubscriber in service.background {
                    for subscription in subscriber.subscriptions where declared.insert(subscription.queue).inserted {
                        try await transport.declare(subscription)
                        print("declared \(subscription.queue) ← \(subscription.bindings.joined(separator: ", "))")
                    }
                }
            }
        }
    }

    struct Users: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the RabbitMQ definitions of the platform's broker accounts: one user per service.",
            discussion: """
                Each service gets its own user (PREFIX + service name, the convention the services expect), with \
                permissions on the events exchange and its own queues only, and the administrator one for \
                `broker setup`. Passwords are read from files and written as RabbitMQ's salted SHA-256 hashes. \
                Load the output with `rabbitmqctl import_definitions FILE`, or at the broker's start \
                (`load_definitions = FILE` in rabbitmq.conf), as docker-compose.yml does.
                """)

        @Option(help: "User names are PREFIX + service (default magistere-).") var prefix = "magistere-"
        @Option(help: "The vhost (default /).") var vhost = "/"
        @Option(help: "Domain events exchange (env MAGISTERE_AMQP_EXCHANGE; default magistere.events).")
        var exchange: String?
        @Option(
            name: .customLong("password-file"), help: "SERVICE=FILE, once per service (catalog, enrolment, tracking).")
        var passwordFiles: [String] = []
        @Option(name: .customLong("admin-user"), help: "The administrator's user (default PREFIX + admin).")
        var administrator: String?
        @Option(name: .customLong("admin-password-file"), help: "File of the administrator's password.")
        var administratorPasswordFile: String
        @Option(help: "Write to this file (mode 0600) instead of standard output.") var output: String?

        func run() throws {
            var passwords: [ServiceName: String] = [:]
            for pair in passwordFiles {
                let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2, let service = ServiceName(rawValue: parts[0]) else {
                    throw ValidationError(
                        "--password-file takes SERVICE=FILE (catalog, enrolment, tracking), not '\(pair)'")
                }
                passwords[service] = try AuthOptions.read(parts[1], what: "broker password file of \(service.rawValue)")
            }
            let queues: [ServiceName: String] = [
                .enrolment: EnrolmentServiceFactory.queue, .tracking: TrackingServiceFactory.queue,
            ]
            let accounts = try ServiceName.allCases.map { service in
                guard let password = passwords[service], !password.isEmpty else {
                    throw ValidationError("no --password-file for \(service.rawValue)")
                }
                return BrokerUsers.Account(
                    service: service, user: prefix + service.rawValue, password: password, queue: queues[service])
            }
            let users = BrokerUsers(
                vhost: vhost, exchange: Settings.amqpExchange.resolve(exchange), accounts: accounts,
                administrator: (
                    administrator ?? prefix + "admin",
                    try AuthOptions.read(administratorPasswordFile, what: "administrator password file")
                ))
            let data = try JSONSerialization.data(
                withJSONObject: users.definitions(), options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            if let output {
                try? FileManager.default.removeItem(atPath: output)
                try PrivateFile.create(output, contents: data + Data("\n".utf8))
            } else {
                print(String(decoding: data, as: UTF8.self))
            }
        }
    }
}
