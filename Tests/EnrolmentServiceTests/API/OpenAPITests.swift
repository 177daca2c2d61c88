import Foundation
import HTTPTypes
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
            try await APIClient(client: client).get("/openapi.json", as: nil)
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

    @Test("every schema and response reference in the document resolves")
    func references() throws {
        let text = OpenAPIDocument.json
        for (kind, defined) in [("schemas", Set(OpenAPIDocument.schemas.keys)), ("responses", Set(OpenAPIDocument.responses.keys))] {
            let pattern = try Regex("#/components/\(kind)/([A-Za-z]+)")
            let referenced = Set(text.matches(of: pattern).compactMap { $0.output[1].substring.map(String.init) })
            #expect(referenced.subtracting(defined).isEmpty, "unresolved \(kind): \(referenced.subtracting(defined).sorted())")
            #expect(!referenced.isEmpty)
        }
    }

    @Test("an operation's security is [] exactly when its route is open to anyone; every other one documents 401 and 403")
    func securityMatchesAccessRules() async throws {
        let fixture = try ServiceFixture()
        let policy = fixture.assembly.service.accessPolicy
        let served = try await fixture.application.test(.router) { client in
            try await APIClient(client: client).get("/openapi.json", as: nil)
        }
        let document = try #require(try JSONSerialization.jsonObject(with: served.body) as? [String: Any])
        let components = try #require(document["components"] as? [String: Any])
        let bearer = try #require((components["securitySchemes"] as? [String: [String: String]])?["bearerAuth"])
        #expect(bearer["type"] == "http" && bearer["scheme"] == "bearer" && bearer["bearerFormat"] == "JWT")
        #expect((document["security"] as? [[String: [String]]]) == [["bearerAuth": []]])
        let paths = try #require(document["paths"] as? [String: [String: [String: Any]]])
        var checked = 0
        for (path, methods) in paths {
            for (method, operation) in methods {
                let route = "\(method.uppercased()) \(path)"
                let httpMethod = try #require(HTTPRequest.Method(method.uppercased()))
                let rule = try #require(policy.rule(httpMethod, path), "\(route) has no rule")
                let security = try #require(operation["security"] as? [[String: [String]]], "\(route) states its security")
                let responses = try #require(operation["responses"] as? [String: Any])
                let description = operation["description"] as? String ?? ""
                if rule == .anyone {
                    #expect(security.isEmpty, "\(route) is open to anyone")
                    #expect(responses["401"] == nil && responses["403"] == nil, "\(route)")
                } else {
                    #expect(security == [["bearerAuth": []]], "\(route) needs the token")
                    #expect(responses["401"] != nil && responses["403"] != nil, "\(route) documents its refusals")
                    #expect(description.contains("\(rule)"), "\(route) says it needs the \(rule): \(description)")
                }
                checked += 1
            }
        }
        #expect(checked == policy.rules.count)
        #expect(!served.text.contains("X-Actor-ID"))
    }
}
