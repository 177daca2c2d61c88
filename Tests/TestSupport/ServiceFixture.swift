import Contracts
import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Messaging
import ServiceSupport

/// What a service's `assemble` returns (each factory's internal `Assembly`): the service and the parts tests
/// drive one by one.
public protocol ServiceAssembly: Sendable {
    var service: PlatformService { get }
}

/// One service built by its factory's `assemble`, exactly as `magistere` builds it, on a real SQLite file in a
/// temporary folder, over the embedded bus unless a test brings another transport; the same fixture for the
/// three services' tests (each adds its own vocabulary in an extension: callers, bodies, events).
public struct ServiceFixture<Assembly: ServiceAssembly>: Sendable {
    public let directory: URL
    public let storePath: String
    /// The file ``read(_:)`` and ``dump(_:)`` look at: the store, or the one file of it a test is about (tracking
    /// keeps one file per partition).
    public var inspectedPath: String
    public let environment: ServiceEnvironment
    public let assembly: Assembly
    public var service: PlatformService { assembly.service }

    /// - Parameters:
    ///   - name: the service, for the folder and store names.
    ///   - transport: the bus (default: an embedded bus in the fixture's folder, consumed by nobody).
    ///   - assemble: the factory's `assemble`, with the service's options.
    public init(
        _ name: String, transport: (any MessageTransport)? = nil,
        assemble: (ServiceEnvironment) async throws -> Assembly
    ) async throws {
        let directory = try Self.temporaryDirectory(name)
        try await self.init(
            directory: directory, storePath: directory.appendingPathComponent("\(name).sqlite").path,
            transport: transport, assemble: assemble)
    }

    private init(
        directory: URL, storePath: String, transport: (any MessageTransport)?,
        assemble: (ServiceEnvironment) async throws -> Assembly
    ) async throws {
        self.directory = directory
        self.storePath = storePath
        self.inspectedPath = storePath
        environment = try Self.environment(
            storePath: storePath,
            transport: transport
                ?? EmbeddedTransport(path: directory.appendingPathComponent("bus-\(UUID()).sqlite").path))
        assembly = try await assemble(environment)
    }

    /// Another instance of the service on the same store (a restart, or a second process on the same file).
    public func restarted(
        transport: (any MessageTransport)? = nil, assemble: (ServiceEnvironment) async throws -> Assembly
    ) async throws -> Self {
        try await Self(directory: directory, storePath: storePath, transport: transport, assemble: assemble)
    }

    /// A fresh folder under the system's temporary one.
    public static func temporaryDirectory(_ name: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("magistere-\(name)-\(UUID())")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The environment tests give a service: the test key, the quiet logger, fast retries.
    public static func environment(storePath: String, transport: any MessageTransport) throws -> ServiceEnvironment {
        ServiceEnvironment(
            storePath: storePath, transport: transport, logger: TestLog.logger,
            authenticator: try TestAuth.authenticator(),
            retry: TestLog.fastRetry)
    }

    /// The service's HTTP application, with the shared middleware and operational routes: tests call
    /// `fixture.application.test(.router) { client in … }` (in process, no socket).
    public var application: some ApplicationProtocol {
        Application(router: service.router(registry: nil), logger: TestLog.logger)
    }

    /// Reads the store through a connection of its own (what an operator's `sqlite3` would see).
    public func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await DatabaseQueue(path: inspectedPath).read(body)
    }

    /// Every row of `tables` (all of the store's when nil), as sorted text: equal dumps before and after a
    /// refused request prove it changed nothing.
    public func dump(_ tables: [String]? = nil) async throws -> [String] {
        try await read { db in
            let names =
                try tables
                ?? String.fetchAll(
                    db,
                    sql:
                        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
                )
            return try names.flatMap { table in
                try Row.fetchAll(db, sql: "SELECT * FROM \(table.quotedDatabaseIdentifier)")
                    .map { "\(table): \($0.description)" }.sorted()
            }
        }
    }

    /// The outbox's event types, oldest first (only those about `subject` if given).
    public func outboxTypes(subject: String? = nil) async throws -> [String] {
        try await read { db in
            try String.fetchAll(
                db, sql: "SELECT type FROM magistere_outbox WHERE ? IS NULL OR subject = ? ORDER BY seq",
                arguments: [subject, subject])
        }
    }

    /// The outbox's events of one type, decoded, oldest first.
    public func outboxEvents<E: DomainEvent>(_ type: E.Type) async throws -> [E] {
        try await outboxMessages(type: E.eventType.rawValue).map {
            try EventCoding.decode(CloudEvent<E>.self, from: $0.body).data
        }
    }

    /// The outbox's messages of one type, oldest first, as the relay would publish them.
    public func outboxMessages(type: String) async throws -> [Message] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT id, type, source, subject, time, body FROM magistere_outbox WHERE type = ? ORDER BY seq",
                arguments: [type]
            ).map { row in
                Message(
                    id: row["id"], type: row["type"], source: row["source"], subject: row["subject"],
                    time: row["time"], body: row["body"])
            }
        }
    }

    public func outboxStatus() async throws -> OutboxStatus {
        try await read { db in try Outbox.status(in: db) }
    }
}

/// The tests' logger (quiet unless `MAGISTERE_TEST_LOG` is set) and retry policy.
public enum TestLog {
    public static var logger: Logger {
        var logger = Logger(label: "test")
        logger.logLevel = (ProcessInfo.processInfo.environment["MAGISTERE_TEST_LOG"] ?? "").isEmpty ? .critical : .debug
        return logger
    }

    public static let fastRetry = RetryPolicy(delays: [.milliseconds(50), .milliseconds(100)], maxAttempts: 3)
}

extension PlatformService {
    /// A service of a few routes for tests of the shared edge (access rules, problems, readiness), built as the
    /// services are, on an embedded bus in a temporary folder and without a store.
    public static func sample(
        _ name: ServiceName = .enrolment, routes: @escaping @Sendable (Router<ServiceRequestContext>) -> Void,
        access: AccessPolicy
    ) throws -> PlatformService {
        let directory = try ServiceFixture<SampleAssembly>.temporaryDirectory("sample")
        let environment = try ServiceFixture<SampleAssembly>.environment(
            storePath: directory.appendingPathComponent("unused.sqlite").path,
            transport: EmbeddedTransport(path: directory.appendingPathComponent("bus.sqlite").path))
        return PlatformService(
            name: name, environment: environment, stores: [], routes: routes, access: access,
            openAPI: OpenAPIDocument(data: Data(#"{"openapi":"3.1.0"}"#.utf8)), background: [])
    }
}

/// A service seen only through what its factory's `make` returns.
public struct SampleAssembly: ServiceAssembly {
    public let service: PlatformService
    public init(service: PlatformService) { self.service = service }
}
