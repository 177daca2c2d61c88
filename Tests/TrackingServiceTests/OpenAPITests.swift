import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import TrackingService

/// The OpenAPI document and the router agree.
@Suite("OpenAPI document")
struct OpenAPITests {
    @Test("every route of the router is in /openapi.json, and every operation of the document is a route")
    func routesMatch() async throws {
        let fixture = try TrackingFixture()
        let router = fixture.composition.service.router(registry: nil)
        let routes = Set(router.routes.map { "\($0.method.rawValue) \($0.path.description)" })
        let document = try #require(
            try JSONSerialization.jsonObject(with: Data(TrackingOpenAPI.document.utf8)) as? [String: Any])
        #expect(document["openapi"] as? String == "3.1.0")
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        let methods: Set<String> = ["get", "put", "post", "delete", "patch", "head", "options"]
        let documented = Set(paths.flatMap { path, operations in
            operations.keys.filter(methods.contains).map { "\($0.uppercased()) \(path)" }
        })
        #expect(routes.subtracting(documented).isEmpty, "routes missing from the document: \(routes.subtracting(documented).sorted())")
        #expect(documented.subtracting(routes).isEmpty, "documented operations without a route: \(documented.subtracting(routes).sorted())")
        #expect(routes.contains("POST /enrolments/{id}/progress"))

        try await Application(router: router).test(.router) { client in
            let served = try await client.execute(uri: "/openapi.json", method: .get)
            #expect(served.status == .ok)
            #expect(served.text == TrackingOpenAPI.document)
        }
    }
}

/// The factory the `magistere` command uses.
@Suite("Tracking service factory")
struct FactoryTests {
    @Test("make opens the store, names the service, runs a relay and a consumer, and checks readiness")
    func make() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tracking-factory-\(UUID().uuidString)")
        let environment = try ServiceSupportEnvironment.embedded(directory)
        let service = try TrackingServiceFactory.make(environment)
        #expect(service.name == .tracking)
        #expect(service.background.count == 2)
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("tracking.sqlite").path))
        let store = try #require(service.readiness.first { $0.name == "store" })
        try await store.probe()
        let consumer = try #require(service.readiness.first { $0.name == "consumer" })
        await #expect(throws: (any Error).self, "not ready before the consumer runs") { try await consumer.probe() }
    }
}
