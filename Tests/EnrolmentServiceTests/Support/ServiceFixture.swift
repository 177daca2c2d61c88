import Contracts
import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Messaging
import ServiceSupport
import Testing

@testable import EnrolmentService

/// One enrolment service on a real SQLite file in a temporary directory, over the embedded bus.
struct ServiceFixture {
    let directory: URL
    let assembly: EnrolmentServiceFactory.Assembly
    var store: EnrolmentStore { assembly.store }

    init(now: @escaping @Sendable () -> Date = Date.init) throws {
        directory = try TestEnvironment.temporaryDirectory()
        let transport = try EmbeddedTransport(path: directory.appendingPathComponent("bus.sqlite").path)
        assembly = try EnrolmentServiceFactory.assemble(
            ServiceEnvironment(
                storePath: directory.appendingPathComponent("enrolment.sqlite").path, transport: transport,
                logger: TestEnvironment.logger, authenticator: try TestAuth.authenticator(),
                retry: TestEnvironment.fastRetry),
            now: now)
    }

    /// The service's HTTP application, with the shared middleware and operational routes.
    var application: some ApplicationProtocol {
        Application(router: assembly.service.router(registry: nil))
    }

    /// Feeds the course read model as if the catalogue had published `course`.
    @discardableResult
    func publish(_ course: CoursePublished = Fixtures.coursePublished()) async throws -> CoursePublished {
        try await store.coursePublished(CloudEvent(id: UUID().uuidString, time: Date(), event: course))
        return course
    }

    /// The event types in the outbox, in order, optionally only those about `subject`.
    func outbox(subject: String? = nil) async throws -> [String] {
        try await store.database.read { db in
            if let subject {
                return try String.fetchAll(
                    db, sql: "SELECT type FROM magistere_outbox WHERE subject = ? ORDER BY seq", arguments: [subject])
            }
            return try String.fetchAll(db, sql: "SELECT type FROM magistere_outbox ORDER BY seq")
        }
    }

    /// Every row a request can write (sessions, enrolments, their history, the outbox), in order: equal
    /// before and after a refused request when the refusal changed nothing.
    func state() async throws -> [String] {
        try await store.database.read { db in
            try ["session", "enrolment", "transition", "magistere_outbox"].flatMap { table in
                try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY rowid").map { "\(table) \($0)" }
            }
        }
    }

    /// The bodies of outbox events of one type, decoded.
    func outboxEvents<E: DomainEvent>(_ type: E.Type) async throws -> [E] {
        let bodies = try await store.database.read { db in
            try Data.fetchAll(
                db, sql: "SELECT body FROM magistere_outbox WHERE type = ? ORDER BY seq",
                arguments: [E.eventType.rawValue])
        }
        return try bodies.map { try EventCoding.decode(CloudEvent<E>.self, from: $0).data }
    }
}

/// A small JSON client over HummingbirdTesting's client.
struct APIClient: Sendable {
    let client: any TestClientProtocol

    struct Reply: Sendable {
        let status: HTTPResponse.Status
        let headers: HTTPFields
        let body: Data

        func decode<T: Decodable>(
            _ type: T.Type = T.self, sourceLocation: SourceLocation = #_sourceLocation
        ) throws -> T {
            do {
                return try EventCoding.decoder().decode(type, from: body)
            } catch {
                Issue.record(
                    "cannot decode \(T.self) from \(String(decoding: body, as: UTF8.self))",
                    sourceLocation: sourceLocation)
                throw error
            }
        }

        var problem: ProblemBody? { try? JSONDecoder().decode(ProblemBody.self, from: body) }
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// A problem+json body as the tests read it.
    struct ProblemBody: Decodable, Sendable {
        struct FieldError: Decodable, Sendable {
            let field: String
            let problem: String
            let line: Int?
        }
        let status: Int
        let type: String
        let detail: String?
        let currentState: String?
        let errors: [FieldError]?
    }

    /// A request with `caller`'s token (none when nil).
    func request(
        _ method: HTTPRequest.Method, _ path: String, as caller: TestCaller? = .manager, json: (any Encodable)? = nil,
        raw: String? = nil, contentType: String? = nil
    ) async throws -> Reply {
        var headers = try await caller?.headers() ?? [:]
        var body: ByteBuffer? = nil
        if let json {
            body = ByteBuffer(bytes: try EventCoding.encode(json))
            headers[.contentType] = "application/json"
        } else if let raw {
            body = ByteBuffer(string: raw)
        }
        if let contentType { headers[.contentType] = contentType }
        let response = try await client.executeRequest(uri: path, method: method, headers: headers, body: body)
        return Reply(status: response.status, headers: response.headers, body: Data(response.body.readableBytesView))
    }

    func get(_ path: String, as caller: TestCaller? = .manager) async throws -> Reply {
        try await request(.get, path, as: caller)
    }
    func post(_ path: String, as caller: TestCaller? = .manager, json: (any Encodable)? = nil) async throws -> Reply {
        try await request(.post, path, as: caller, json: json)
    }

    // MARK: - Scenarios

    /// Schedules a session of the fixture course (academy lyon, tutor tu-1) and returns its id.
    func scheduleSession(
        capacity: Int = 20, mode: EnrolmentMode = .application, trainers: [String] = ["f-1"],
        as caller: TestCaller = .manager,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> String {
        let reply = try await post(
            "/sessions", as: caller, json: Fixtures.plan(capacity: capacity, mode: mode, trainers: trainers))
        #expect(reply.status == .created, "\(reply.text)", sourceLocation: sourceLocation)
        return try reply.decode(SessionView.self).id
    }

    /// Schedules and opens a session.
    func openSession(
        capacity: Int = 20, mode: EnrolmentMode = .application, trainers: [String] = ["f-1"],
        as caller: TestCaller = .manager,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> String {
        let id = try await scheduleSession(
            capacity: capacity, mode: mode, trainers: trainers, as: caller, sourceLocation: sourceLocation)
        let reply = try await post("/sessions/\(id)/open", as: caller)
        #expect(reply.status == .ok, "\(reply.text)", sourceLocation: sourceLocation)
        return id
    }
}
