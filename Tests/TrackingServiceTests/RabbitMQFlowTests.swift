import Contracts
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Messaging
import ServiceSupport
import Testing

@testable import TrackingService

/// The whole flow on a real RabbitMQ node: events in, progress over HTTP, one completion event out.
@Suite("Tracking on RabbitMQ", .serialized)
struct RabbitMQFlowTests {
    /// Tracking on the test broker, isolated by a tag (its own exchange and queue); the relay polls once an hour,
    /// so every event that arrives proves that its commit nudged the relay.
    static func onRabbitMQ(
        maxAttempts: Int
    ) async throws -> (tag: String, transport: AMQPTransport, TrackingServiceFactory.Assembly) {
        let tag = String(UUID().uuidString.prefix(8).lowercased())
        let transport = AMQPTransport(
            endpoint: try Broker.requireEndpoint(), topology: AMQPTopology(exchange: "test.tracking.\(tag)"),
            confirmTimeout: .seconds(10), logger: TestLog.logger)
        let fixture = try await TrackingFixture("tracking", transport: transport) { environment in
            var environment = environment
            environment.retry = RetryPolicy(delays: [.milliseconds(100)], maxAttempts: maxAttempts)
            environment.outboxPollInterval = .seconds(3600)
            return try TrackingServiceFactory.assemble(
                environment, options: .init(queue: "test.tracking.\(tag).events"))
        }
        return (tag, transport, fixture.assembly)
    }

    static let callerTraceID = "0af7651916cd43dd8448eb211c80319c"
    static let callerTrace = "00-\(callerTraceID)-b7ad6b7169203331-01"

    @Test(
        "course published, session scheduled, enrolment approved, progress on each required activity: exactly one course.completed, with the right hours, even after duplicates and redelivery"
    )
    func fullFlow() async throws {
        let (tag, transport, composition) = try await Self.onRabbitMQ(maxAttempts: 3)
        defer { transport.close() }

        // An outside system's own queue, bound before anything happens.
        let observer = Subscription(queue: "test.tracking.\(tag).observer", bindings: ["tracking.course.completed.v1"])
        try await transport.declare(observer)
        try await transport.declare(composition.router.subscription)

        let sessionID = "session-\(tag)"
        let enrolmentID = UUID().uuidString.lowercased()
        let approval = Events.envelope(Events.approved(sessionID, enrolmentID: enrolmentID, participantID: "p-alice"))
        try await transport.publish([
            try Broker.message(Events.envelope(Events.coursePublished())),
            try Broker.message(Events.envelope(Events.sessionScheduled(sessionID))),
            try Broker.message(approval),
        ])

        let seen = Recorder<CloudEvent<CourseCompleted>>()
        let headerTraces = Recorder<String?>()
        let router = composition.service.router(registry: nil)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for service in composition.service.background {
                group.addTask { try await service.run() }
            }
            group.addTask {
                try await transport.consume(observer) { delivery in
                    if let event = try? EventCoding.decode(
                        CloudEvent<CourseCompleted>.self, from: delivery.message.body)
                    {
                        seen.append(event)
                        headerTraces.append(delivery.message.traceparent)
                    }
                    return .ack
                }
            }
            // The consumer built the read models from the events.
            let tracked = try await eventually {
                (try? await composition.application.enrolmentProgress(
                    enrolmentID: enrolmentID, for: Caller(subject: "p-alice", roles: [.participant])))?.activities.count
                    == Plan.activities.count
            }
            try #require(tracked, "the approval and the course never reached tracking")

            try await Application(router: router).test(.router) { client in
                let uri = "/enrolments/\(enrolmentID)/progress"
                let steps = [
                    ProgressRecord(id: "video-1", activityID: "video", timeSpentSeconds: 1800, completed: true),
                    ProgressRecord(id: "quiz-1", activityID: "quiz", timeSpentSeconds: 600, score: 0.4),
                    ProgressRecord(id: "quiz-2", activityID: "quiz", timeSpentSeconds: 600, score: 0.75),
                ]
                for step in steps {
                    let response = try await client.send(
                        .post, uri, json: step, headers: try await Callers.participant("p-alice"))
                    #expect(response.status == .created)
                }
                #expect(seen.count == 0)
                let sheet = AttendanceSheet(
                    activityID: "meeting", entries: [.init(enrolmentID: enrolmentID, status: .present)])
                // The request that completes the course comes in a trace of the caller's (W3C traceparent)
                var traced = try await Callers.trainer()
                traced[.traceparent] = Self.callerTrace
                let attendance = try await client.send(
                    .post, "/sessions/\(sessionID)/attendance", json: sheet, headers: traced)
                #expect(attendance.status == .ok)
                let served = attendance.headers[.traceresponse].flatMap(TraceContext.init(traceparent:))
                #expect(served?.traceID == Self.callerTraceID, "the answer names the caller's trace")
                // The relay polls once an hour here: the completion arriving at all proves the commit nudged it.
                try #require(
                    try await eventually(timeout: .seconds(30)) { seen.count >= 1 }, "no course.completed observed")

                // Duplicates: the same reports again, new reports, the same attendance, and a redelivered approval.
                for step in steps {
                    let replay = try await client.send(
                        .post, uri, json: step, headers: try await Callers.participant("p-alice"))
                    #expect(replay.status == .ok)
                }
                try await client.send(
                    .post, uri,
                    json: ProgressRecord(id: "video-2", activityID: "video", timeSpentSeconds: 60, completed: true),
                    headers: try await Callers.participant("p-alice"))
                try await client.send(
                    .post, "/sessions/\(sessionID)/attendance", json: sheet, headers: try await Callers.trainer())
            }
            try await transport.publish([try Broker.message(approval)])
            let renewed = Events.envelope(
                Events.approved(sessionID, enrolmentID: enrolmentID, participantID: "p-alice"))
            try await transport.publish([try Broker.message(renewed)])
            try await Task.sleep(for: .seconds(2))
            group.cancelAll()
        }

        #expect(seen.count == 1, "exactly one tracking.course.completed.v1")
        let event = try #require(seen.all.first)
        #expect(event.id == DeterministicID.courseCompleted(enrolmentID: enrolmentID, ruleVersion: 2))
        #expect(event.source == "/magistere/tracking")
        #expect(event.data.enrolmentID == enrolmentID)
        #expect(event.data.participantID == "p-alice")
        #expect(event.data.sessionID == sessionID)
        #expect(event.data.distanceMinutes == 50, "video 30 + quiz 20; the optional activities were not done")
        #expect(event.data.inPersonMinutes == 180)
        #expect(event.data.schoolLevel == .primary)
        #expect(event.data.ruleVersion == 2)
        // The completion continues the trace of the request that caused it, in the CloudEvent and the AMQP header
        #expect(event.traceparent.flatMap(TraceContext.init(traceparent:))?.traceID == Self.callerTraceID)
        let headerTrace = headerTraces.all.first.flatMap { $0 }.flatMap(TraceContext.init(traceparent:))
        #expect(headerTrace?.traceID == Self.callerTraceID)
        let inbox = try await composition.stores.store(forSession: sessionID).read { db in
            try Inbox.count(consumer: "test.tracking.\(tag).events", in: db)
        }
        #expect(inbox == 4, "course, session and two distinct approval messages; the redelivery was dropped")
    }

    @Test("a backlog of approvals is consumed by windows of concurrent lanes: each applied once")
    func backlogInWindows() async throws {
        let (tag, transport, composition) = try await Self.onRabbitMQ(maxAttempts: 3)
        defer { transport.close() }
        try await transport.declare(composition.router.subscription)

        // Given 300 approvals waiting in tracking's queue (a campaign's designations, say)
        let sessionID = "session-\(tag)"
        let enrolments = (0..<300).map { _ in UUID().uuidString.lowercased() }
        try await transport.publish(
            [
                try Broker.message(Events.envelope(Events.coursePublished())),
                try Broker.message(Events.envelope(Events.sessionScheduled(sessionID))),
            ]
                + enrolments.enumerated().map { index, enrolmentID in
                    try Broker.message(
                        Events.envelope(
                            Events.approved(sessionID, enrolmentID: enrolmentID, participantID: "p-\(index)")))
                })
        let store = try composition.stores.store(forSession: sessionID)
        let before = store.transactionCount

        // When the consumer runs
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await composition.router.run() }
            group.addTask { try await composition.host.run() }
            let consumed = try await eventually(timeout: .seconds(60)) {
                try await store.read { db in try Inbox.count(consumer: "test.tracking.\(tag).events", in: db) } == 302
            }
            try #require(consumed, "the backlog was not consumed")
            group.cancelAll()
        }

        // Then every enrolment is tracked once
        let tracked = try await store.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM enrolment WHERE session_id = ?", arguments: [sessionID])
        }
        #expect(tracked == 300)
        // (How few transactions depends on timing: 28 for 302 events on a quiet machine, 182 with the whole
        // test suite running beside. Measured, not asserted: `magistere dev bench-bus`, BENCHMARKS.md.)
        #expect(store.transactionCount - before > 0)
    }

    @Test(
        "across RabbitMQ: a progress statement sent while the approval waits in the paused consumer's queue is refused, then applied once it is consumed; a staff change reaches tracking and decides who records attendance"
    )
    func raceAndStaffChange() async throws {
        let (tag, transport, composition) = try await Self.onRabbitMQ(maxAttempts: 5)
        defer { transport.close() }
        try await transport.declare(composition.router.subscription)

        // Given the course, the session and Alice's approval are in tracking's queue, but nobody consumes yet
        let sessionID = "session-\(tag)"
        let enrolmentID = UUID().uuidString.lowercased()
        try await transport.publish([
            try Broker.message(Events.envelope(Events.coursePublished())),
            try Broker.message(Events.envelope(Events.sessionScheduled(sessionID))),
            try Broker.message(
                Events.envelope(Events.approved(sessionID, enrolmentID: enrolmentID, participantID: "p-alice"))),
        ])
        let alice = XAPIStatementsTests.xapi(try await Callers.participant("p-alice"))
        let statement = XAPIStatementsTests.statement(id: UUID().uuidString.lowercased(), registration: enrolmentID)
        let router = composition.service.router(registry: nil)
        try await Application(router: router).test(.router) { client in
            // When her completion statement arrives first, it is refused and nothing is kept
            let early = try await client.send(.post, "/xapi/statements", raw: statement, headers: alice)
            #expect(early.status == .serviceUnavailable)
            #expect(early.headers[.retryAfter] != nil)
        }
        let stored = try await composition.stores.store(forSession: sessionID).read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM xapi_statement") ?? -1
        }
        #expect(stored == 0)

        try await withThrowingTaskGroup(of: Void.self) { group in
            for service in composition.service.background {
                group.addTask { try await service.run() }
            }
            let tracked = try await eventually {
                (try? await composition.application.enrolmentProgress(
                    enrolmentID: enrolmentID, for: Caller(subject: "p-alice", roles: [.participant]))) != nil
            }
            try #require(tracked, "the approval never reached tracking")
            try await Application(router: router).test(.router) { client in
                // Then the client's retry is stored and applied
                let retried = try await client.send(.post, "/xapi/statements", raw: statement, headers: alice)
                #expect(retried.status == .ok)
                let progress = try await client.execute(
                    uri: "/enrolments/\(enrolmentID)/progress", method: .get,
                    headers: try await Callers.participant("p-alice"))
                #expect(
                    try progress.decode(EnrolmentProgressView.self).activities.first { $0.activityID == "video" }?.done
                        == true)

                // When enrolment announces that trainer-2 replaces trainer-1
                try await transport.publish([
                    try Broker.message(
                        Events.envelope(
                            SessionStaffChanged(
                                sessionID: sessionID, academy: Plan.academy, trainerIDs: ["trainer-2"],
                                tutorIDs: [Plan.tutor], actorID: "ien-1", occurredAt: Date())))
                ])
                let moved = try await eventually {
                    (try? await composition.application.sessionProgress(
                        sessionID: sessionID, for: Caller(subject: "trainer-2", roles: [.trainer]))) != nil
                }
                try #require(moved, "the staff change never reached tracking")
                // Then the removed trainer is refused and the new one records the attendance
                let sheet = AttendanceSheet(
                    activityID: "meeting", entries: [.init(enrolmentID: enrolmentID, status: .present)])
                let removed = try await client.send(
                    .post, "/sessions/\(sessionID)/attendance", json: sheet, headers: try await Callers.trainer())
                #expect(removed.status == .forbidden)
                let added = try await client.send(
                    .post, "/sessions/\(sessionID)/attendance", json: sheet,
                    headers: try await Callers.trainer("trainer-2"))
                #expect(added.status == .ok)
            }
            group.cancelAll()
        }
    }
}
