import ArgumentParser
import Contracts
import Foundation
import GRDB
import Logging
import Messaging

/// Developer tools: not needed to run the platform.
struct DevCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev", abstract: "Developer tools.",
        subcommands: [PublishSample.self, BenchBusCommand.self, BenchTrackingCommand.self, SeedCatalogCommand.self])

    /// Publishes one sample event through a real outbox and relay, so a subscriber can see the wire format.
    struct PublishSample: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "publish-sample", abstract: "Publish a sample event (through an outbox) to the broker.")
        @OptionGroup var broker: BrokerOptions
        @Option(help: "The event type.") var type = CoursePublished.eventType.rawValue

        func run() async throws {
            guard type == CoursePublished.eventType.rawValue else {
                throw ValidationError("only \(CoursePublished.eventType) has a sample for now")
            }
            let logger = Logger(label: "magistere.cli")
            let transport = try broker.transport(logger: logger)
            defer { transport.close() }
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
                "magistere-sample-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let database = try DatabaseQueue(path: directory.appendingPathComponent("outbox.sqlite").path)
            var migrator = DatabaseMigrator()
            MessagingMigrations.register(in: &migrator)
            try migrator.migrate(database)
            let event = SampleEvents.coursePublished()
            try await database.write { db in try Outbox.append(event, in: db) }
            let relay = OutboxRelay(database: database, transport: transport, service: "catalog", logger: logger)
            let count = try await relay.publishBatch()
            print("published \(count) \(type) event(s) for course \(event.courseID)")
        }
    }
}

enum SampleEvents {
    static func coursePublished() -> CoursePublished {
        let activities = [
            ActivitySnapshot(
                id: "a1", title: "Vidéo : enseigner la résolution de problèmes", kind: .video, grouping: .individual,
                modality: .distance, estimatedMinutes: 45, required: true),
            ActivitySnapshot(
                id: "a2", title: "Classe virtuelle d'analyse de séquences", kind: .virtualClass, grouping: .collective,
                modality: .distance, estimatedMinutes: 90, required: true),
            ActivitySnapshot(
                id: "a3", title: "Quiz d'auto-évaluation", kind: .selfAssessmentQuiz, grouping: .individual,
                modality: .distance, estimatedMinutes: 20, required: true, passThreshold: 0.7),
            ActivitySnapshot(
                id: "a4", title: "Regroupement en circonscription", kind: .inPersonMeeting, grouping: .collective,
                modality: .inPerson, estimatedMinutes: 180, required: true),
        ]
        return CoursePublished(
            courseID: "crs-sample-\(UUID().uuidString.prefix(8).lowercased())", version: 1,
            title: "Résoudre des problèmes au cycle 3", summary: "Parcours hybride sur la résolution de problèmes.",
            objectives: ["Identifier les étapes de la résolution de problèmes"],
            keywords: ["mathématiques", "cycle 3"],
            domain: "Mathématiques", audience: Audience(schoolLevels: [.primary], gradeLevels: ["CM1", "CM2", "6e"]),
            origin: .national, nature: .tutored, activities: activities, owner: CourseOwner(organisation: "DGESCO"),
            publishedAt: Timestamp.truncated(Date()), distanceMinutes: 155, inPersonMinutes: 180,
            durationBucket: .from3To6h)
    }
}
