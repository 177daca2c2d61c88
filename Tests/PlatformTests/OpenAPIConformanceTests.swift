import Contracts
import Foundation
import Hummingbird
import HummingbirdTesting
import ServiceSupport
import Testing

/// Each service's OpenAPI document (`Sources/<Service>/OpenAPI/openapi.json`) tells the truth about its router
/// and its access table: one suite, run for the three services.
@Suite("Each service's OpenAPI document matches its router and its access rules")
struct OpenAPIConformanceTests {
    static let methods: Set<String> = ["get", "put", "post", "delete", "patch", "head", "options"]

    /// The service, its document as served from the file, parsed.
    static func service(_ name: ServiceName) async throws -> (PlatformService, OpenAPIDocument, [String: Any]) {
        let service = try #require(try await AccessCoverageTests.services().first { $0.name == name })
        let document = try #require(service.openAPI, "\(name) serves no OpenAPI document")
        return (service, document, try document.json)
    }

    static func operations(_ json: [String: Any]) throws -> [(key: String, path: String, operation: [String: Any])] {
        let paths = try #require(json["paths"] as? [String: [String: Any]])
        return paths.flatMap { path, item in
            item.compactMap { method, value -> (String, String, [String: Any])? in
                guard methods.contains(method), let operation = value as? [String: Any] else { return nil }
                return ("\(method.uppercased()) \(path)", path, operation)
            }
        }
    }

    @Test(
        "it is OpenAPI 3.1 and documents every route the router serves, and only those", arguments: ServiceName.allCases
    )
    func routesMatch(_ name: ServiceName) async throws {
        let (service, _, json) = try await Self.service(name)
        #expect(json["openapi"] as? String == "3.1.0")
        let routed = Set(service.router(registry: nil).routes.map { "\($0.method.rawValue) \($0.path.description)" })
        let documented = Set(try Self.operations(json).map(\.key))
        #expect(
            routed.subtracting(documented).isEmpty,
            "\(name): routes missing from the document: \(routed.subtracting(documented).sorted())")
        #expect(
            documented.subtracting(routed).isEmpty,
            "\(name): documented but not routed: \(documented.subtracting(routed).sorted())")
        #expect(routed.count >= 8)
    }

    @Test("every $ref in the document resolves to something it defines", arguments: ServiceName.allCases)
    func referencesResolve(_ name: ServiceName) async throws {
        let (_, _, json) = try await Self.service(name)
        var references: [String] = []
        func collect(_ value: Any) {
            if let object = value as? [String: Any] {
                if let reference = object["$ref"] as? String { references.append(reference) }
                object.values.forEach(collect)
            } else if let array = value as? [Any] {
                array.forEach(collect)
            }
        }
        collect(json)
        #expect(references.count >= 10)
        for reference in Set(references) {
            #expect(reference.hasPrefix("#/"), "\(name): \(reference) points outside the document")
            var node: Any? = json
            for part in reference.dropFirst(2).split(separator: "/") {
                node =
                    (node as? [String: Any])?[
                        String(part).replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
                    ]
            }
            #expect(node != nil, "\(name): \(reference) does not resolve")
        }
    }

    @Test(
        "an operation is open (security: []) exactly when its access rule is anyone; every other one documents 401 and 403",
        arguments: ServiceName.allCases)
    func securityMatchesAccessRules(_ name: ServiceName) async throws {
        let (service, document, json) = try await Self.service(name)
        let components = try #require(json["components"] as? [String: Any])
        let bearer = try #require((components["securitySchemes"] as? [String: Any])?["bearerAuth"] as? [String: Any])
        #expect(bearer["type"] as? String == "http" && bearer["scheme"] as? String == "bearer")
        #expect(bearer["bearerFormat"] as? String == "JWT")
        let global = try #require(json["security"] as? [[String: [String]]])
        #expect(global.count == 1 && global.first?["bearerAuth"] == [])
        #expect(!String(decoding: document.data, as: UTF8.self).contains("X-Actor-ID"))
        let policy = service.accessPolicy
        var checked = 0
        for (key, path, operation) in try Self.operations(json) {
            let method = String(key.prefix { $0 != " " })
            let rule = try #require(policy.rule(.init(method)!, path), "\(name) \(key) has no access rule")
            let security = (operation["security"] as? [[String: [String]]]) ?? global
            let responses = try #require(operation["responses"] as? [String: Any], "\(name) \(key) has no responses")
            if rule == .anyone {
                #expect(security.isEmpty, "\(name) \(key) is open to anyone: its security must be []")
            } else {
                #expect(security.contains { $0["bearerAuth"] != nil }, "\(name) \(key) needs a token")
                #expect((responses["401"] as? [String: Any]) != nil, "\(name) \(key) documents no 401")
                #expect((responses["403"] as? [String: Any]) != nil, "\(name) \(key) documents no 403")
            }
            checked += 1
        }
        #expect(checked == policy.rules.count, "\(name): one documented operation per access rule")
    }

    @Test(
        "every operation documents its 400 (query and body rules), and every operation with an id in its path its 404",
        arguments: ServiceName.allCases)
    func sharedRefusalsDocumented(_ name: ServiceName) async throws {
        let (_, _, json) = try await Self.service(name)
        for (key, path, operation) in try Self.operations(json) {
            let responses = try #require(operation["responses"] as? [String: Any])
            #expect(responses["400"] != nil, "\(name) \(key) documents no 400")
            if path.contains("{") {
                #expect(responses["404"] != nil, "\(name) \(key) documents no 404")
            }
        }
    }

    @Test(
        "GET /openapi.json serves the file byte for byte, as JSON, to anyone; a query parameter is a 400 problem",
        arguments: ServiceName.allCases)
    func servedAsTheFile(_ name: ServiceName) async throws {
        let (service, document, _) = try await Self.service(name)
        try await Application(router: service.router(registry: nil)).test(.router) { client in
            let served = try await client.execute(uri: "/openapi.json", method: .get)
            #expect(served.status == .ok)
            #expect(served.headers[.contentType] == "application/json")
            #expect(Data(served.body.readableBytesView) == document.data)
            let query = try await client.execute(uri: "/openapi.json?format=yaml", method: .get)
            #expect(query.status == .badRequest)
            #expect(query.headers[.contentType] == "application/problem+json")
            #expect(String(buffer: query.body).contains("urn:magistere:problem:invalid-query"))
        }
    }
}
