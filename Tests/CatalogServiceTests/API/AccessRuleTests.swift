import CatalogService
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ServiceSupport
import Testing

@Suite("Every route has an access rule, and the rule is enforced before the handler runs")
struct AccessRuleTests {
    /// A request for a route of the table: `POST /courses/{id}/publish` → `/courses/x1/publish`.
    static func request(for key: String) -> (method: HTTPRequest.Method, uri: String) {
        let parts = key.split(separator: " ", maxSplits: 1)
        let uri = parts[1].split(separator: "/").map { $0.hasPrefix("{") ? "x1" : String($0) }.joined(separator: "/")
        return (HTTPRequest.Method(rawValue: String(parts[0]))!, "/" + uri)
    }

    @Test("the router's routes and the access table name the same routes")
    func everyRouteHasARule() async throws {
        let fixture = try await CatalogFixture.make()
        let routed = Set(
            fixture.service.router(registry: nil).routes.map {
                AccessPolicy.key($0.method, $0.path.description)
            })
        let ruled = Set(fixture.service.accessPolicy.rules.keys)
        #expect(routed.subtracting(ruled).isEmpty, "routes without a rule")
        #expect(ruled.subtracting(routed).isEmpty, "rules without a route")
    }

    @Test(
        "each route refuses every role its rule does not name (403) and, unless open, a request without a token (401)")
    func matrix() async throws {
        let fixture = try await CatalogFixture.make()
        let rules = fixture.service.accessPolicy.rules.sorted { $0.key < $1.key }
        try await fixture.application.test(.router) { client in
            var refused = 0
            for (key, rule) in rules {
                let (method, uri) = Self.request(for: key)
                switch rule {
                case .anyone:
                    let response = try await client.send(method, uri)
                    #expect(![.unauthorized, .forbidden].contains(response.status), "\(key) is open to anyone")
                case .authenticated:
                    try await Self.expectUnauthenticated(client, method, uri, key)
                    for role in Role.allCases {
                        let academy = Caller.scopedRoles.contains(role) ? "national" : nil
                        let response = try await client.send(
                            method, uri, as: try await TestAuth.headers("u-\(role)", role, academy: academy))
                        #expect(![.unauthorized, .forbidden].contains(response.status), "\(key) as \(role)")
                    }
                case .roles(let allowed):
                    try await Self.expectUnauthenticated(client, method, uri, key)
                    for role in Role.allCases where !allowed.contains(role) {
                        for academy in [nil, "lyon"] {
                            let caller = try await TestAuth.headers("u-\(role)", role, academy: academy)
                            let response = try await client.send(method, uri, as: caller)
                            #expect(response.status == .forbidden, "\(key) as \(role) @\(academy ?? "national")")
                            #expect(response.headers[.contentType] == "application/problem+json")
                            refused += 1
                        }
                    }
                    for role in allowed {
                        let academy = Caller.scopedRoles.contains(role) ? "national" : nil
                        let response = try await client.send(
                            method, uri, as: try await TestAuth.headers("u-\(role)", role, academy: academy))
                        #expect(
                            ![.unauthorized, .forbidden].contains(response.status), "\(key) lets a \(role) through")
                    }
                }
            }
            #expect(refused >= 11 * 5 * 2)
        }
    }

    @Test("an expired token, a token signed with another key and a malformed header are 401 with a challenge")
    func badTokens() async throws {
        let fixture = try await CatalogFixture.make()
        let expired = try await TestAuth.token("d-national", .designer, now: Date().addingTimeInterval(-7200))
        let otherKey = try await TokenIssuer(secret: String(repeating: "k", count: 40))
        let forged = try await otherKey.token(subject: "d-national", roles: [.designer])
        let before = try await fixture.dump()
        try await fixture.application.test(.router) { client in
            for header in ["Bearer \(expired)", "Bearer \(forged)", "Basic ZDpw", "Bearer", "Bearer not.a.jwt"] {
                let response = try await client.send(
                    .post, "/courses", json: Bodies.course(), headers: [.authorization: header])
                #expect(response.status == .unauthorized, "\(header.prefix(12))")
                #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
            }
        }
        #expect(try await fixture.dump() == before)
    }

    static func expectUnauthenticated(
        _ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, _ key: String
    ) async throws {
        let response = try await client.send(method, uri)
        #expect(response.status == .unauthorized, "\(key) without a token")
        #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Bearer realm=") == true, "\(key)")
        #expect(response.headers[.contentType] == "application/problem+json", "\(key)")
    }
}
