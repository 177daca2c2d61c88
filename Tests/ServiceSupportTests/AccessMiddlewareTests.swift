import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import ServiceSupport
import Synchronization
import TestSupport
import Testing

@Suite("Every request passes its route's access rule before its handler")
struct AccessMiddlewareTests {
    static func application(logs: LogCollector) throws -> some ApplicationProtocol {
        let service = try PlatformService.sample(
            routes: { router in
                router.get("open") { _, _ in "open" }
                router.get("mine") { _, context in try context.requireCaller().subject }
                router.post("academies/{academy}/things") { _, context -> String in
                    let caller = try context.requireCaller()
                    let academy = try context.parameters.require("academy")
                    guard caller.has(.manager, inAcademy: academy) else {
                        throw Problem.forbidden("managers of \(academy) only")
                    }
                    return "done"
                }
                router.get("forgotten") { _, _ in "should never answer" }
            },
            access: AccessPolicy([
                "GET /open": .anyone, "GET /mine": .authenticated, "POST /academies/{academy}/things": .role(.manager),
            ]))
        return Application(router: service.router(registry: nil), logger: Logger(label: "test") { logs.handler($0) })
    }

    @Test("no token: 401 problem with a Bearer challenge; a bad token says why in WWW-Authenticate")
    func unauthenticated() async throws {
        let logs = LogCollector()
        try await Self.application(logs: logs).test(.router) { client in
            let missing = try await client.execute(uri: "/mine", method: .get)
            #expect(missing.status == .unauthorized)
            #expect(missing.headers[.contentType] == "application/problem+json")
            #expect(missing.headers[.wwwAuthenticate] == "Bearer realm=\"magistere\"")
            let expired = try await TestAuth.token(
                "ens-0001", .participant, lifetime: 60, now: Date().addingTimeInterval(-7200))
            let late = try await client.execute(
                uri: "/mine", method: .get, headers: [.authorization: "Bearer \(expired)"])
            #expect(late.status == .unauthorized)
            #expect(
                late.headers[.wwwAuthenticate]?.contains(
                    "error=\"invalid_token\", error_description=\"the token has expired\"") == true)
            let basic = try await client.execute(
                uri: "/mine", method: .get, headers: [.authorization: "Basic Z3Vlc3Q6Z3Vlc3Q="])
            #expect(basic.status == .unauthorized)
        }
    }

    @Test("open routes need no token; a valid one reaches the handler as the caller")
    func allowed() async throws {
        try await Self.application(logs: LogCollector()).test(.router) { client in
            #expect(try await client.execute(uri: "/open", method: .get).status == .ok)
            #expect(try await client.execute(uri: "/health", method: .get).status == .ok)
            let headers = try await TestAuth.headers("ens-0042", .participant)
            let mine = try await client.execute(uri: "/mine", method: .get, headers: headers)
            #expect(String(buffer: mine.body) == "ens-0042")
        }
    }

    @Test("a missing role is 403; a handler's scope refusal is 403; both are logged with the caller and route")
    func forbidden() async throws {
        let logs = LogCollector()
        try await Self.application(logs: logs).test(.router) { client in
            let teacher = try await TestAuth.headers("ens-0001", .participant, academy: "ac-lyon")
            let byRole = try await client.execute(uri: "/academies/ac-lyon/things", method: .post, headers: teacher)
            #expect(byRole.status == .forbidden)
            #expect(byRole.headers[.contentType] == "application/problem+json")
            let otherAcademy = try await TestAuth.headers("manager-creteil", .manager, academy: "ac-creteil")
            let byScope = try await client.execute(
                uri: "/academies/ac-lyon/things", method: .post, headers: otherAcademy)
            #expect(byScope.status == .forbidden)
            let own = try await TestAuth.headers("manager-lyon", .manager, academy: "ac-lyon")
            #expect(
                try await client.execute(uri: "/academies/ac-lyon/things", method: .post, headers: own).status == .ok)
            let national = try await TestAuth.headers("manager-dgesco", .manager, academy: "national")
            #expect(
                try await client.execute(uri: "/academies/ac-lyon/things", method: .post, headers: national).status
                    == .ok)
            let metrics = try await client.execute(uri: "/metrics", method: .get, headers: own)
            #expect(metrics.status == .forbidden)
        }
        let refusals = logs.all.filter { $0.message == "access refused" }
        #expect(refusals.map { $0.metadata["caller"] } == ["ens-0001", "manager-creteil", "manager-lyon"])
        #expect(refusals[1].metadata["reason"] == "managers of ac-lyon only")
        #expect(refusals[1].metadata["http.route"] == "/academies/{academy}/things")
    }

    @Test("a route registered without an access rule is refused, even with a token (fail closed)")
    func failClosed() async throws {
        let logs = LogCollector()
        try await Self.application(logs: logs).test(.router) { client in
            let headers = try await TestAuth.headers("operator-1", .operator, .manager, .designer, academy: "national")
            let response = try await client.execute(uri: "/forgotten", method: .get, headers: headers)
            #expect(response.status == .forbidden)
            #expect(String(buffer: response.body).contains("should never answer") == false)
        }
        #expect(logs.all.contains { $0.level == .error && $0.message == "route without an access rule refused" })
    }
}

extension AccessMiddlewareTests {
    @Test("a path no route serves, or a method the path does not have, is 404 — not a refusal, and not logged as one")
    func unmatched() async throws {
        let logs = LogCollector()
        try await Self.application(logs: logs).test(.router) { client in
            let nowhere = try await client.execute(uri: "/nowhere", method: .get)
            #expect(nowhere.status == .notFound)
            #expect(nowhere.headers[.contentType] == "application/problem+json")
            let wrongMethod = try await client.execute(uri: "/health", method: .delete)
            #expect(wrongMethod.status == .notFound)
        }
        #expect(!logs.all.contains { $0.message == "route without an access rule refused" })
    }
}

@Suite("JSON bodies have bounded depth and string length")
struct JSONShapeLimitsTests {
    @Test("33 levels of nesting, or a 33 KiB string, are refused with a 400; brackets inside strings do not count")
    func limits() throws {
        let limits = JSONShapeLimits.standard
        #expect(throws: Never.self) {
            try limits.check(Data((String(repeating: "[", count: 32) + String(repeating: "]", count: 32)).utf8))
        }
        #expect(throws: Problem.self) {
            try limits.check(Data((String(repeating: "[", count: 33) + String(repeating: "]", count: 33)).utf8))
        }
        #expect(throws: Never.self) {
            try limits.check(Data("{\"a\":\"\(String(repeating: "[{", count: 100))\\\"\"}".utf8))
        }
        #expect(throws: Problem.self) { try limits.check(Data("[\"\(String(repeating: "é", count: 17_000))\"]".utf8)) }
        do {
            try limits.check(Data(String(repeating: "{\"a\":", count: 40).utf8))
            Issue.record("deep nesting passed")
        } catch let problem as Problem {
            #expect(problem.status == .badRequest)
            #expect(problem.detail?.contains("32 levels") == true)
        }
    }
}
