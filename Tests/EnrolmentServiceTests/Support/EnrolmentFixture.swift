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

/// One enrolment service built by the real composition root on a real SQLite file in a temporary folder, over
/// the embedded bus (TestSupport's ``ServiceFixture``).
typealias EnrolmentFixture = ServiceFixture<EnrolmentServiceFactory.Assembly>

extension EnrolmentServiceFactory.Assembly: ServiceAssembly {}

extension ServiceFixture where Assembly == EnrolmentServiceFactory.Assembly {
    static func make(now: @escaping @Sendable () -> Date = Date.init) async throws -> EnrolmentFixture {
        try await EnrolmentFixture("enrolment") { try EnrolmentServiceFactory.assemble($0, options: .init(now: now)) }
    }

    var store: EnrolmentStore { assembly.store }
    /// The service's use cases, as the controllers and event handlers call them.
    var useCases: EnrolmentApplication { assembly.application }

    /// Feeds the course read model as if the catalogue had published `course`.
    @discardableResult
    func publish(_ course: CoursePublished = Fixtures.coursePublished()) async throws -> CoursePublished {
        try await useCases.coursePublished(CloudEvent(id: UUID().uuidString, time: Date(), event: course))
        return course
    }

    /// Every row a request can write (sessions, enrolments, their history, the outbox): equal before and after
    /// a refused request when the refusal changed nothing.
    func state() async throws -> [String] {
        try await dump(["session", "enrolment", "transition", "magistere_outbox"])
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
        raw: String? = nil, contentType: String? = nil, headers extra: HTTPFields = [:]
    ) async throws -> Reply {
        let token = try await caller?.headers() ?? [:]
        var headers = extra
        headers[.contentType] = contentType
        let response =
            if let json {
                try await client.send(method, path, json: json, headers: headers, as: token)
            } else {
                try await client.send(method, path, raw: raw, headers: headers, as: token)
            }
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
