import ArgumentParser
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
        commandName: "broker", abstract: "Prepare the broker for the platform.", subcommands: [Setup.self])

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
            let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("magistere-setup-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: scratch) }
            // Never serves HTTP: any key will do.
            let authenticator = try Authenticator(AuthConfiguration(hmacSecret: TokenIssuer.randomSecret()))
            let services = [
                try EnrolmentServiceFactory.make(
                    ServiceEnvironment(storePath: scratch.appendingPathComponent("enrolment.sqlite").path, transport: transport, logger: logger,
                        authenticator: authenticator)),
                try TrackingServiceFactory.make(
                    ServiceEnvironment(storePath: scratch.appendingPathComponent("tracking.sqlite").path, transport: transport, logger: logger,
                        authenticator: authenticator)),
            ]
            try await transport.checkConnection()
            for service in services {
                for case let consumer as EventConsumer in service.background {
                    try await transport.declare(consumer.subscription)
                    print("declared \(consumer.subscription.queue) ← \(consumer.subscription.bindings.joined(separator: ", "))")
                }
            }
        }
    }
}
