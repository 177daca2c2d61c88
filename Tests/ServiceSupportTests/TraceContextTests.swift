import Contracts
import Foundation
import GRDB
import Logging
import Messaging
import ServiceSupport
import TestSupport
import Testing

/// W3C trace context from a request or a handled event into the events it causes, through group commits whose
/// leader runs other callers' writes.
@Suite("Trace context")
struct TraceContextTests {
    static let given = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

    static func store() throws -> DatabasePool {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("trace-\(UUID().uuidString).sqlite")
            .path
        let pool = try DatabasePool(path: path)
        var migrator = DatabaseMigrator()
        MessagingMigrations.register(in: &migrator)
        try migrator.migrate(pool)
        return pool
    }

    /// The trace parent of each outbox row, by event id (from the CloudEvent and from the AMQP header alike).
    static func traces(_ pool: DatabasePool) async throws -> [String: String] {
        let rows = try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, body, headers FROM magistere_outbox")
        }
        var traces: [String: String] = [:]
        for row in rows {
            let id: String = row["id"]
            let body: Data = row["body"]
            let headers = try JSONDecoder().decode([String: String].self, from: Data((row["headers"] as String).utf8))
            let envelope = try EventCoding.decode(CloudEvent<CourseArchived>.self, from: body)
            #expect(envelope.traceparent == headers[MessageHeader.traceparent], "the envelope and the header agree")
            traces[id] = envelope.traceparent
        }
        return traces
    }

    @Test("traceparent headers are read as W3C says: version, lengths, lowercase hex, no all-zero ids")
    func parsing() throws {
        let context = try #require(TraceContext(traceparent: Self.given))
        #expect(context.traceID == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(context.spanID == "00f067aa0ba902b7")
        #expect(context.traceparent == Self.given)
        // A later version may append fields
        #expect(TraceContext(traceparent: "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra") != nil)
        for invalid in [
            "", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",  // version 00 has no more fields
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",  // version ff is invalid
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",  // uppercase
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",  // all-zero trace id
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",  // all-zero parent id
            "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",  // short trace id
            "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01",
        ] {
            #expect(TraceContext(traceparent: invalid) == nil, "\(invalid)")
        }
        let child = context.child()
        #expect(child.traceID == context.traceID && child.spanID != context.spanID && child.flags == context.flags)
        let fresh = TraceContext.new()
        #expect(TraceContext(traceparent: fresh.traceparent) == fresh)
        #expect(fresh.traceID != TraceContext.new().traceID)
    }

    @Test("events appended by concurrent writers of one group commit each carry their own writer's trace")
    func groupCommitKeepsEachCallersTrace() async throws {
        // Given 40 writers, each in a trace of its own, writing through one group commit (whose leader runs the
        // others' bodies on its own thread)
        let pool = try Self.store()
        let commits = GroupCommit(pool)
        let contexts = (0..<40).map { _ in TraceContext.new() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, context) in contexts.enumerated() {
                group.addTask {
                    try await TraceContext.$current.withValue(context) {
                        _ = try await commits.write { db in
                            try Outbox.append(
                                CourseArchived(courseID: "c\(index)", archivedAt: Date(), reason: nil), id: "e\(index)",
                                in: db)
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(commits.transactionCount < 40, "the writes shared transactions")

        // Then each event is in its writer's trace, as a new span of it
        let traces = try await Self.traces(pool)
        for (index, context) in contexts.enumerated() {
            let trace = try #require(traces["e\(index)"].flatMap(TraceContext.init(traceparent:)))
            #expect(trace.traceID == context.traceID)
            #expect(trace.spanID != context.spanID)
        }
    }

    @Test("a handled event's trace goes on in the events its handler appends and in the consumer's log lines")
    func consumerContinuesTheTrace() async throws {
        // Given a consumer whose handler appends an event (through a group commit) and fails its first attempt
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("trace-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let transport = try EmbeddedTransport(path: directory.appendingPathComponent("bus.sqlite").path)
        let pool = try Self.store()
        let commits = GroupCommit(pool)
        var routes = EventRoutes()
        routes.on(CourseArchived.self) { envelope, delivery in
            guard delivery.attempt > 1 else { throw Busy() }
            _ = try await commits.write { db in
                try Outbox.append(
                    CourseArchived(courseID: envelope.data.courseID + "-next", archivedAt: Date(), reason: nil),
                    id: "caused", in: db)
            }
        }
        let logs = LogCollector()
        let consumer = EventConsumer(transport: transport, queue: "trace.events", routes: routes, logger: logs.logger)
        let event = CourseArchived(courseID: "c", archivedAt: Date(), reason: nil)
        let envelope = CloudEvent(id: "cause", time: Date(), traceparent: Self.given, event: event)
        let message = Message(
            id: "cause", type: CourseArchived.eventType.rawValue, source: CourseArchived.producer.source,
            subject: event.subject, time: Date(), body: try EventCoding.encode(envelope),
            headers: [MessageHeader.traceparent: Self.given])

        // When it handles the event twice (a failed attempt, then a retry)
        let first = await consumer.settle(
            Delivery(message: message, attempt: 1, queue: "trace.events", redelivered: false))
        let second = await consumer.settle(
            Delivery(message: message, attempt: 2, queue: "trace.events", redelivered: false))

        // Then the retry log line names the trace, and the caused event is a new span of the same trace
        #expect(first != Settlement.ack && second == Settlement.ack)
        let warning = try #require(logs.all.first { $0.message.contains("will retry") })
        #expect(warning.metadata["trace.id"] == "4bf92f3577b34da6a3ce929d0e0e4736")
        let caused = try #require(try await Self.traces(pool)["caused"].flatMap(TraceContext.init(traceparent:)))
        #expect(caused.traceID == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(caused.spanID != "00f067aa0ba902b7")
    }

    struct Busy: Error {}
}
