import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ServiceSupport
import Testing

@Suite("Every service error is application/problem+json that says what is wrong and where")
struct ProblemTests {
    struct Payload: Codable, Sendable {
        var title: String
        var minutes: Int
    }

    static func app() -> some ApplicationProtocol {
        let router = Router(context: ServiceRequestContext.self)
        router.add(middleware: ObservabilityMiddleware(service: "test"))
        router.add(middleware: ProblemMiddleware())
        router.post("things") { request, _ in
            let payload = try await JSONBody.decode(Payload.self, from: request)
            guard payload.minutes >= 0 else { throw Problem.invalid("minutes", "must not be negative") }
            return JSONResponse(payload, status: .created)
        }
        router.get("boom") { _, _ -> String in throw CancellationError() }
        return Application(router: router)
    }

    static func json(_ buffer: ByteBuffer) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: buffer)) as? [String: Any])
    }

    @Test("a body over the limit is 413, a wrong content type 415, both as problems")
    func limits() async throws {
        try await Self.app().test(.router) { client in
            let big = ByteBuffer(string: "{\"title\":\"" + String(repeating: "x", count: 300_000) + "\",\"minutes\":1}")
            try await client.execute(
                uri: "/things", method: .post, headers: [.contentType: "application/json"], body: big
            ) { response in
                #expect(response.status == .contentTooLarge)
                #expect(response.headers[.contentType] == "application/problem+json")
                let body = try Self.json(response.body)
                #expect(body["status"] as? Int == 413)
            }
            try await client.execute(
                uri: "/things", method: .post, headers: [.contentType: "text/plain"], body: ByteBuffer(string: "{}")
            ) { response in
                #expect(response.status == .unsupportedMediaType)
                #expect(response.headers[.contentType] == "application/problem+json")
            }
        }
    }

    @Test("a missing field is named; a rule broken is 422 naming the field; unknown routes are problems too")
    func fields() async throws {
        try await Self.app().test(.router) { client in
            try await client.execute(
                uri: "/things", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: "{\"title\":\"a\"}")
            ) { response in
                #expect(response.status == .unprocessableContent)
                let body = try Self.json(response.body)
                let errors = try #require(body["errors"] as? [[String: String]])
                #expect(errors.first?["field"] == "minutes")
            }
            try await client.execute(
                uri: "/things", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: "{\"title\":\"a\",\"minutes\":-5}")
            ) { response in
                #expect(response.status == .unprocessableContent)
                let body = try Self.json(response.body)
                #expect(body["detail"] as? String == "minutes: must not be negative")
            }
            try await client.execute(
                uri: "/things", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: "{not json")
            ) { response in
                #expect(response.status == .badRequest)
                #expect(response.headers[.contentType] == "application/problem+json")
            }
            try await client.execute(uri: "/nowhere", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType] == "application/problem+json")
            }
            try await client.execute(uri: "/boom", method: .get) { response in
                #expect(response.status == .internalServerError)
                let body = try Self.json(response.body)
                #expect(body["detail"] as? String != nil)
                #expect(response.headers[HTTPField.Name("X-Request-ID")!] != nil)
            }
        }
    }
}

@Suite("Stores migrate forward and refuse a newer store")
struct ServiceStoreTests {
    @Test("a store migrated by a newer version is refused with a message naming the unknown migration")
    func newerStore() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString).sqlite")
            .path
        let newer = try ServiceStore.open(path: path) { migrator in
            migrator.registerMigration("svc.v1") { db in try db.execute(sql: "CREATE TABLE a (x)") }
            migrator.registerMigration("svc.v2") { db in try db.execute(sql: "CREATE TABLE b (x)") }
        }
        try newer.close()
        #expect(throws: ServiceStore.NewerStoreError.self) {
            _ = try ServiceStore.open(path: path) { migrator in
                migrator.registerMigration("svc.v1") { db in try db.execute(sql: "CREATE TABLE a (x)") }
            }
        }
        let status = try ServiceStore.status(path: path) { migrator in
            migrator.registerMigration("svc.v1") { db in try db.execute(sql: "CREATE TABLE a (x)") }
        }
        #expect(status.unknown == ["svc.v2"])
    }
}
