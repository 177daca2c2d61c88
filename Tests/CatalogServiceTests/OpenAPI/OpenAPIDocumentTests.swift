import CatalogService
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ServiceSupport
import Testing

/// What only the catalogue checks of its document (the routes, references and security of every service's are
/// checked by PlatformTests' OpenAPIConformanceTests): its examples and its real responses against its schemas.
@Suite("The OpenAPI document tells the truth about the API")
struct OpenAPIDocumentTests {
    static let methods = ["get", "put", "post", "delete", "patch", "head", "options"]

    static func document() throws -> [String: Any] {
        try CatalogServiceFactory.openAPIDocument().json
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
                    let content =
                        validator.resolved(response as? [String: Any])?["content"] as? [String: [String: Any]] ?? [:]
                    for (_, media) in content {
                        guard let example = media["example"], let schema = media["schema"] as? [String: Any] else {
                            continue
                        }
                        checked += 1
                        #expect(
                            validator.violations(of: example, against: schema).isEmpty, "\(method) \(path) \(status)")
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
        try await fixture.application.test(.router) { client in
            let validator = LooseSchema(document: try Self.document())
            let derived = try await client.send(
                .post, "/courses/seed-lecture-cp/derive",
                json: [
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
                #expect(
                    validator.violations(of: body, against: try validator.responseSchema(path, operation, status))
                        .isEmpty, "\(method) \(uri)")
            }
            let invalid = try await client.send(
                .post, "/courses", json: Bodies.course(title: "", origin: Origins.academy("lyon")), as: lyon)
            let body = try JSONSerialization.jsonObject(with: Data(invalid.body.readableBytesView))
            #expect(
                validator.violations(of: body, against: try validator.responseSchema("/courses", "post", "422")).isEmpty
            )
        }
    }
}
