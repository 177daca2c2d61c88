import Foundation
import Messaging
import Testing

@testable import TrackingService

/// The factory the `magistere` command uses.
@Suite("Tracking service factory")
struct FactoryTests {
    @Test("make opens the store, names the service, runs a relay and a consumer, and checks readiness")
    func make() async throws {
        let directory = try TrackingFixture.temporaryDirectory("tracking")
        let environment = try TrackingFixture.environment(
            storePath: directory.appendingPathComponent("tracking.sqlite").path,
            transport: EmbeddedTransport(path: directory.appendingPathComponent("bus.sqlite").path))
        let service = try await TrackingServiceFactory.make(environment)
        #expect(service.name == .tracking)
        #expect(service.background.count == 2)
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("tracking.sqlite").path))
        let store = try #require(service.readiness.first { $0.name == "store" })
        try await store.probe()
        let consumer = try #require(service.readiness.first { $0.name == "consumer tracking.events" })
        await #expect(throws: (any Error).self, "not ready before the consumer runs") { try await consumer.probe() }
    }
}
