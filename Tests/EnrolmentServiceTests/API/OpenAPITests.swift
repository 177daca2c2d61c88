import Foundation
import HummingbirdTesting
import Testing

@testable import EnrolmentService

@Suite("OpenAPI document")
struct OpenAPITests {
    @Test("every route the router serves is in the served document, and every documented operation is routed")
    func matchesRouter() async throws {
        let fixture = try ServiceFixture()
        let router = fixture.assembly.service.router(registry: nil)
        let routed = Set(router.routes.map { "\($0.method.rawValue) \($0.path)" })
        let served = try await fixture.application.test(.router) { client in
            try await APIClient(client: client).get("/openapi.json")
        }
        #expect(served.status == .ok)
        let document = try #require(try JSONSerialization.jsonObject(with: served.body) as? [String: Any])
        #expect(document["openapi"] as? String == "3.1.0")
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        let documented = Set(paths.flatMap { path, methods in methods.keys.map { "\($0.uppercased()) \(path)" } })
        #expect(routed.subtracting(documented).isEmpty, "routed but not documented: \(routed.subtracting(documented).sorted())")
        #expect(documented.subtracting(routed).isEmpty, "documented but not routed: \(documented.subtracting(routed).sorted())")
        #expect(routed.count >= 25)
    }

    @Test("every schema reference in the document resolves")
    func references() throws {
        let text = OpenAPIDocument.json
        let schemas = Set(OpenAPIDocument.schemas.keys)
        let pattern = try Regex("#/components/schemas/([A-Za-z]+)")
        let referenced = Set(text.matches(of: pattern).compactMap { $0.output[1].substring.map(String.init) })
        #expect(referenced.subtracting(schemas).isEmpty, "unresolved: \(referenced.subtracting(schemas).sorted())")
        #expect(!referenced.isEmpty)
    }
}
