import CatalogService
import EnrolmentService
import Foundation
import Hummingbird
import Logging
import Messaging
import ServiceSupport
@_exported import TestSupport
import Testing
import TrackingService

/// Every route of every service declares who may call it: the router and the access table agree
/// in both directions, so a route added without a rule (which the middleware would refuse) or a
/// rule left behind for a removed route fails here.
@Suite("Every route of every service has an access rule")
struct AccessCoverageTests {
    static func services() async throws -> [PlatformService] {
        let directory = try ServiceFixture<SampleAssembly>.temporaryDirectory("platform")
        let transport = try EmbeddedTransport(path: directory.appendingPathComponent("bus.sqlite").path)
        func environment(_ name: String) throws -> ServiceEnvironment {
            try ServiceFixture<SampleAssembly>.environment(
                storePath: directory.appendingPathComponent("\(name).sqlite").path, transport: transport)
        }
        return [
            try await CatalogServiceFactory.make(try environment("catalog")),
            try await EnrolmentServiceFactory.make(try environment("enrolment")),
            try await TrackingServiceFactory.make(try environment("tracking")),
        ]
    }

    @Test("each router's routes are exactly the routes of its access table")
    func routesAndRulesAgree() async throws {
        for service in try await Self.services() {
            let routes = Set(
                service.router(registry: nil).routes.map { AccessPolicy.key($0.method, $0.path.description) })
            let rules = Set(service.accessPolicy.rules.keys)
            #expect(routes.subtracting(rules).isEmpty, "\(service.name): routes without an access rule")
            #expect(rules.subtracting(routes).isEmpty, "\(service.name): access rules for routes that do not exist")
            #expect(routes.count >= 8, "\(service.name) has only \(routes.count) routes?")
        }
    }

    @Test("only probes, API documents, the published offer and xAPI's about are open to anyone")
    func openRoutes() async throws {
        var open: Set<String> = []
        for service in try await Self.services() {
            for (route, rule) in service.accessPolicy.rules where rule == .anyone {
                open.insert("\(service.name.rawValue) \(route)")
            }
        }
        let expected: Set<String> = Set(
            ["catalog", "enrolment", "tracking"].flatMap { service in
                ["GET /health", "GET /ready", "GET /openapi.json", "GET /asyncapi.json"].map { "\(service) \($0)" }
            }
        ).union([
            "catalog GET /courses", "catalog GET /search", "catalog GET /courses/{id}",
            "catalog GET /courses/{id}/versions",
            "catalog GET /courses/{id}/versions/{version}", "catalog GET /courses/{id}/versions/{version}/rules",
            "tracking GET /xapi/about",
        ])
        #expect(open == expected)
    }

    @Test("metrics are for operators on every service, and operators reach no personal data")
    func operatorScope() async throws {
        // Operational views only: counters, tracking's partitions (numbers, queue depths, times), and how far a
        // subscriber's replay is (its queue, period and counts: no teacher's id).
        let operational =
            ["GET /metrics", "GET /consumers", "POST /consumers/pause", "POST /consumers/resume"]
            + [
                "GET /partitions", "POST /partitions/release", "GET /partitions/{partition}/file",
                "PUT /partitions/{partition}/file", "POST /partitions/acquire", "PUT /partitions/map",
            ].map { "tracking \($0)" } + ["tracking GET /replays/{id}", "enrolment GET /replays/{id}"]
        for service in try await Self.services() {
            #expect(service.accessPolicy.rule(.get, "/metrics") == .role(.operator))
            for (route, rule) in service.accessPolicy.rules {
                guard case .roles(let roles) = rule, roles.contains(.operator) else { continue }
                #expect(
                    operational.contains(route) || operational.contains("\(service.name.rawValue) \(route)"),
                    "\(service.name): operators may call \(route)")
            }
        }
    }
}
