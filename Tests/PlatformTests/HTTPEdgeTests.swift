import Contracts
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ServiceSupport
import Testing

/// The one HTTP edge (ServiceSupport's ``QueryParameters``, ``PathIdentifier``, ``ProblemMiddleware``), checked
/// on every documented operation of the three services: a client meets the same answer for the same mistake
/// whichever service it calls.
@Suite("Every service answers the same mistake the same way")
struct HTTPEdgeTests {
    /// A caller the route's access rule lets in (a manager of lyon when any role will do).
    static func headers(for rule: AccessRule) async throws -> HTTPFields {
        var headers: HTTPFields = [HTTPField.Name("X-Experience-API-Version")!: "1.0.3"]
        let role: Role
        switch rule {
        case .anyone: return headers
        case .authenticated: role = .manager
        case .roles(let roles): role = roles.contains(.manager) ? .manager : roles.sorted().first!
        }
        headers.append(contentsOf: try await TestAuth.headers("edge-1", role, academy: "lyon"))
        return headers
    }

    /// `path` with each `{parameter}` replaced by `value` (`{version}` by a version number).
    static func concrete(_ path: String, id value: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            guard segment.hasPrefix("{") else { return String(segment) }
            return segment == "{version}" ? "1" : value
        }.joined(separator: "/")
    }

    static func problemType(_ response: TestResponse) -> String? {
        let object = try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]
        return object?["type"] as? String
    }

    @Test(
        "an unknown query parameter is 400 invalid-query on every operation (xAPI's statement query excepted: the xAPI specification's own 400)",
        arguments: ServiceName.allCases)
    func unknownQueryParameters(_ name: ServiceName) async throws {
        let (service, _, json) = try await OpenAPIConformanceTests.service(name)
        let policy = service.accessPolicy
        let operations = try OpenAPIConformanceTests.operations(json).map { ($0.key, $0.path) }
        try await Application(router: service.router(registry: nil)).test(.router) { client in
            for (key, path) in operations {
                let method = HTTPRequest.Method(String(key.prefix { $0 != " " }))!
                let headers = try await Self.headers(for: try #require(policy.rule(method, path)))
                let uri = Self.concrete(path, id: "edge-unknown") + "?surely-not-a-parameter=1"
                let response = try await client.execute(uri: uri, method: method, headers: headers)
                #expect(response.status == .badRequest, "\(name) \(key): \(String(buffer: response.body))")
                let expected = key == "GET /xapi/statements" ? "xapi-invalid" : "invalid-query"
                #expect(Self.problemType(response) == "urn:magistere:problem:\(expected)", "\(name) \(key)")
            }
        }
    }

    @Test(
        "a path segment that cannot be an id is 404 not-found on every operation, without echoing it",
        arguments: ServiceName.allCases)
    func malformedPathIdentifiers(_ name: ServiceName) async throws {
        let (service, _, json) = try await OpenAPIConformanceTests.service(name)
        let policy = service.accessPolicy
        let operations = try OpenAPIConformanceTests.operations(json).map { ($0.key, $0.path) }
            .filter { $0.1.contains("{") }
        try await Application(router: service.router(registry: nil)).test(.router) { client in
            for (key, path) in operations {
                let method = HTTPRequest.Method(String(key.prefix { $0 != " " }))!
                let headers = try await Self.headers(for: try #require(policy.rule(method, path)))
                for segment in [
                    "a%20b", "x%3Cscript%3E", String(repeating: "s", count: PathIdentifier.maximumLength + 1),
                ] {
                    let response = try await client.execute(
                        uri: Self.concrete(path, id: segment), method: method, headers: headers)
                    #expect(response.status == .notFound, "\(name) \(key) \(segment): \(String(buffer: response.body))")
                    #expect(Self.problemType(response) == "urn:magistere:problem:not-found", "\(name) \(key)")
                    let detail = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))
                    #expect(
                        ((detail as? [String: Any])?["detail"] as? String)?.contains("script") == false,
                        "\(name) \(key) echoes the segment in its detail")
                }
            }
        }
        #expect(operations.count >= 4)
    }
}
