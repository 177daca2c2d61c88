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

/// The document's security says what the access rules enforce.
@Suite("OpenAPI security")
struct OpenAPISecurityTests {
    @Test("an operation's security is [] exactly when its access rule is anyone; the others document 401 and 403")
    func securityMatchesRules() throws {
        let fixture = try TrackingFixture()
        let policy = fixture.composition.service.accessPolicy
        let document = try #require(
            try JSONSerialization.jsonObject(with: Data(TrackingOpenAPI.document.utf8)) as? [String: Any])
        let components = try #require(document["components"] as? [String: Any])
        let schemes = try #require(components["securitySchemes"] as? [String: [String: String]])
        #expect(schemes["bearerAuth"] == ["type": "http", "scheme": "bearer", "bearerFormat": "JWT", "description": schemes["bearerAuth"]?["description"] ?? ""])
        let global = try #require(document["security"] as? [[String: [String]]])
        #expect(global.count == 1 && global.first?["bearerAuth"] == [])
        #expect(!TrackingOpenAPI.document.contains("X-Actor-ID"))

        let paths = try #require(document["paths"] as? [String: [String: Any]])
        var checked = 0
        for (path, item) in paths {
            for (method, value) in item where ["get", "put", "post", "delete", "patch"].contains(method) {
                let operation = try #require(value as? [String: Any])
                let name = "\(method.uppercased()) \(path)"
                let rule = try #require(policy.rule(.init(method.uppercased())!, path), "\(name) has no access rule")
                let security = (operation["security"] as? [[String: [String]]]) ?? global
                let responses = try #require(operation["responses"] as? [String: Any])
                if rule == .anyone {
                    #expect(security.isEmpty, "\(name) is open to anyone: security must be []")
                } else {
                    #expect(security.contains { $0["bearerAuth"] != nil }, "\(name) needs a token")
                    #expect(operation["security"] == nil || !security.isEmpty, "\(name)")
                    #expect((responses["401"] as? [String: String])?["$ref"] == "#/components/responses/Unauthenticated", "\(name)")
                    #expect((responses["403"] as? [String: String])?["$ref"] == "#/components/responses/Forbidden", "\(name)")
                }
                checked += 1
            }
        }
        #expect(checked == policy.rules.count, "one operation per access rule")
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
