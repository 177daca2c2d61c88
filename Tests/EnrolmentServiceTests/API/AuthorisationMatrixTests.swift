import Foundation
import HTTPTypes
import HummingbirdTesting
import ServiceSupport
import Testing

@testable import EnrolmentService

@Suite("Who may call each route")
struct AuthorisationMatrixTests {
    /// A route of the access table, e.g. `POST /sessions/{id}/open`, with `{id}` naming a real resource.
    static func request(
        for route: String, session: String, enrolment: String, teacher: String
    ) throws -> (HTTPRequest.Method, String) {
        let parts = route.split(separator: " ", maxSplits: 1).map(String.init)
        let method = try #require(HTTPRequest.Method(parts[0]))
        let id =
            if parts[1].hasPrefix("/enrolments/") { enrolment } else if parts[1].hasPrefix("/teachers/") {
                teacher
            } else { session }
        return (method, parts[1].replacingOccurrences(of: "{id}", with: id))
    }

    @Test("every route of the access table: each role its rule does not name gets 403, no token 401; nothing changes")
    func matrix() async throws {
        let fixture = try await EnrolmentFixture.make()
        try await fixture.publish()
        try await fixture.application.test(.router) { client in
            let api = APIClient(client: client)
            let session = try await api.openSession(mode: .application)
            let enrolment = try await api.post("/sessions/\(session)/applications", as: .teacher("t-1")).decode(
                EnrolmentView.self)
            let before = try await fixture.state()
            let rules = fixture.assembly.service.accessPolicy.rules
            #expect(rules.count >= 25)
            var refusals = 0
            for (route, rule) in rules.sorted(by: { $0.key < $1.key }) {
                let (method, path) = try Self.request(
                    for: route, session: session, enrolment: enrolment.id, teacher: "t-1")
                let anonymous = try await api.request(method, path, as: nil)
                if rule == .anyone {
                    #expect(
                        anonymous.status != .unauthorized && anonymous.status != .forbidden,
                        "\(route) is open to anyone")
                    continue
                }
                #expect(anonymous.status == .unauthorized, "\(route) without a token")
                #expect(anonymous.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true, "\(route) challenges")
                guard case .roles(let allowed) = rule else { continue }
                for role in Role.allCases where !allowed.contains(role) {
                    let reply = try await api.request(method, path, as: .holding(role))
                    #expect(reply.status == .forbidden, "\(route) as \(role.rawValue): \(reply.text)")
                    #expect(reply.headers[.contentType] == "application/problem+json")
                    refusals += 1
                }
            }
            #expect(refusals >= 60, "the table names roles; only \(refusals) refusals were tried")
            #expect(try await fixture.state() == before)
        }
    }

    @Test("a token that expired, was signed with another key or is not a bearer token is 401, and changes nothing")
    func badTokens() async throws {
        let fixture = try await EnrolmentFixture.make()
        try await fixture.publish()
        try await fixture.application.test(.router) { client in
            let api = APIClient(client: client)
            let session = try await api.openSession(mode: .open)
            let before = try await fixture.state()
            let expired = try await TestAuth.token(
                "t-1", .participant, academy: "lyon", lifetime: 60, now: Date().addingTimeInterval(-3600))
            let foreign = try await TokenIssuer(secret: String(repeating: "k", count: 48)).token(
                subject: "t-1", roles: [.participant])
            for authorization in ["Bearer \(expired)", "Bearer \(foreign)", "Basic dDox", "Bearer not.a.token"] {
                let reply = try await client.executeRequest(
                    uri: "/sessions/\(session)/enrolments", method: .post, headers: [.authorization: authorization],
                    body: nil)
                #expect(reply.status == .unauthorized, "\(authorization.prefix(12))")
                #expect(reply.headers[.wwwAuthenticate]?.contains("invalid_token") == true)
            }
            #expect(try await fixture.state() == before)
        }
    }
}
