import CatalogService
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ServiceSupport
import Testing

@Suite("The OpenAPI document tells the truth about the API")
struct OpenAPIDocumentTests {
    static let methods = ["get", "put", "post", "delete", "patch", "head", "options"]

    static func document() throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.json.utf8)) as? [String: Any])
    }

    @Test("every route of the router is in the document, and every documented operation is a route")
    func routesMatch() async throws {
        let fixture = try await CatalogFixture.make()
        let router = fixture.service.router(registry: nil)
        let routed = Set(router.routes.map { "\($0.method.rawValue) \($0.path.description)" })
        let paths = try #require(try Self.document()["paths"] as? [String: [String: Any]])
        let documented = Set(paths.flatMap { path, operations in
            operations.keys.filter(Self.methods.contains).map { "\($0.uppercased()) \(path)" }
        })
        #expect(routed.subtracting(documented).isEmpty, "routes missing from the document")
        #expect(documented.subtracting(routed).isEmpty, "documented operations that are not routes")
        #expect(routed.count >= 19)
    }

    @Test("the document is OpenAPI 3.1, served as JSON at /openapi.json, and every $ref resolves")
    func served() async throws {
        let fixture = try await CatalogFixture.make()
        try await fixture.test { client in
            let response = try await client.send(.get, "/openapi.json")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json")
            #expect(try response.object["openapi"] as? String == "3.1.0")
        }
        let schemas = try #require(((try Self.document()["components"]) as? [String: Any])?["schemas"] as? [String: Any])
        let references = OpenAPIDocument.json.components(separatedBy: "\"#/components/schemas/").dropFirst()
            .map { String($0.prefix { $0 != "\"" }) }
        #expect(!references.isEmpty)
        #expect(references.filter { schemas[$0] == nil }.isEmpty)
        let responses = try #require(((try Self.document()["components"]) as? [String: Any])?["responses"] as? [String: Any])
        let responseReferences = OpenAPIDocument.json.components(separatedBy: "\"#/components/responses/").dropFirst()
            .map { String($0.prefix { $0 != "\"" }) }
        #expect(!responseReferences.isEmpty)
        #expect(responseReferences.filter { responses[$0] == nil }.isEmpty)
    }

    @Test("an operation is documented open (security: []) exactly when its access rule lets anyone in")
    func securityMatchesAccessRules() async throws {
        let fixture = try await CatalogFixture.make()
        let policy = fixture.service.accessPolicy
        let document = try Self.document()
        let schemes = ((document["components"] as? [String: Any])?["securitySchemes"] as? [String: Any])?["bearerAuth"]
        let bearer = try #require(schemes as? [String: String])
        #expect(bearer["type"] == "http" && bearer["scheme"] == "bearer" && bearer["bearerFormat"] == "JWT")
        let global = try #require(document["security"] as? [[String: [String]]])
        #expect(global.count == 1 && global.first?["bearerAuth"] == [])
        var checked = 0
        for (path, operations) in try #require(document["paths"] as? [String: [String: Any]]) {
            for (method, value) in operations where Self.methods.contains(method) {
                let operation = try #require(value as? [String: Any])
                let name = "\(method.uppercased()) \(path)"
                let httpMethod = try #require(HTTPRequest.Method(rawValue: method.uppercased()))
                let rule = try #require(policy.rule(httpMethod, path), "\(name) has no rule")
                let security = operation["security"] as? [Any]
                let responses = try #require(operation["responses"] as? [String: Any])
                if rule == .anyone {
                    #expect(security?.isEmpty == true, "\(name) is open to anyone: it needs security: []")
                    #expect(responses["401"] == nil && responses["403"] == nil, "\(name)")
                } else {
                    #expect(security == nil, "\(name) needs a token: it inherits the document's bearerAuth")
                    let unauthenticated = (responses["401"] as? [String: String])?["$ref"]
                    #expect(unauthenticated == "#/components/responses/Unauthenticated", "\(name)")
                    #expect((responses["403"] as? [String: String])?["$ref"] == "#/components/responses/Forbidden", "\(name)")
                    #expect((operation["description"] as? String)?.contains("Role") == true, "\(name) says which role it needs")
                }
                checked += 1
            }
        }
        #expect(checked == policy.rules.count)
        #expect(!OpenAPIDocument.json.contains("X-Actor-ID"))
    }

    @Test("the document's examples match their own schemas")
    func examples() throws {
        let document = try Self.document()
        let validator = LooseSchema(document: document)
        var checked = 0
        for (path, operations) in try #require(document["paths"] as? [String: [String: Any]]) {
            for (method, operation) in operations {
                let responses = (operation as? [String: Any])?["responses"] as? [String: Any] ?? [:]
                for (status, response) in responses {
                    let content = validator.resolved(response as? [String: Any])?["content"] as? [String: [String: Any]] ?? [:]
                    for (_, media) in content {
                        guard let example = media["example"], let schema = media["schema"] as? [String: Any] else { continue }
                        checked += 1
                        #expect(validator.violations(of: example, against: schema).isEmpty, "\(method) \(path) \(status)")
                    }
                }
            }
        }
        #expect(checked >= 5)
    }

    @Test("real responses match the documented schemas")
    func responses() async throws {
        let fixture = try await CatalogFixture.make(seed: true)
        let lyon = try await Callers.designer(of: "lyon")
        let creteil = try await Callers.designer(of: "creteil")
        let participant = try await TestAuth.headers("t-0001", .participant, academy: "lyon")
        try await fixture.test { client in
            let validator = LooseSchema(document: try Self.document())
            let derived = try await client.send(.post, "/courses/seed-lecture-cp/derive", json: [
                "origin": Origins.academy("lyon"), "owner": ["organisation": "EAFC"],
            ], as: lyon)
            let local = try #require(try derived.object["courseID"] as? String)
            let checks: [(HTTPRequest.Method, String, String, String, String, HTTPFields)] = [
                (.get, "/courses?limit=5", "/courses", "get", "200", [:]),
                (.get, "/search?q=lecture", "/search", "get", "200", [:]),
                (.get, "/courses/seed-lecture-cp", "/courses/{id}", "get", "200", [:]),
                (.get, "/courses/seed-lecture-cp/versions", "/courses/{id}/versions", "get", "200", [:]),
                (.get, "/courses/seed-lecture-cp/versions/1", "/courses/{id}/versions/{version}", "get", "200", [:]),
                (.get, "/courses/\(local)/draft", "/courses/{id}/draft", "get", "200", lyon),
                (.get, "/courses/\(local)/draft", "/courses/{id}/draft", "get", "401", [:]),
                (.get, "/courses/\(local)/draft", "/courses/{id}/draft", "get", "403", participant),
                (.get, "/courses/\(local)/draft", "/courses/{id}/draft", "get", "403", creteil),
                (.post, "/courses/\(local)/publish", "/courses/{id}/publish", "post", "201", lyon),
                (.get, "/courses/\(local)", "/courses/{id}", "get", "200", [:]),
                (.get, "/courses/nope", "/courses/{id}", "get", "404", [:]),
                (.get, "/courses/nope?x=1", "/courses/{id}", "get", "400", [:]),
                (.get, "/search?bogus=1", "/search", "get", "400", [:]),
                (.post, "/courses/\(local)/archive", "/courses/{id}/archive", "post", "403", creteil),
                (.post, "/courses/\(local)/archive", "/courses/{id}/archive", "post", "200", lyon),
                (.get, "/health", "/health", "get", "200", [:]),
                (.get, "/ready", "/ready", "get", "200", [:]),
                (.get, "/metrics", "/metrics", "get", "401", [:]),
            ]
            for (method, uri, path, operation, status, caller) in checks {
                let response = try await client.send(method, uri, as: caller)
                #expect(String(response.status.code) == status, "\(method) \(uri)")
                let body = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))
                #expect(validator.violations(of: body, against: try validator.responseSchema(path, operation, status)).isEmpty, "\(method) \(uri)")
            }
            let invalid = try await client.send(
                .post, "/courses", json: Bodies.course(title: "", origin: Origins.academy("lyon")), as: lyon)
            let body = try JSONSerialization.jsonObject(with: Data(invalid.body.readableBytesView))
            #expect(validator.violations(of: body, against: try validator.responseSchema("/courses", "post", "422")).isEmpty)
        }
    }
}
