import Contracts
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Messaging
import ServiceSupport
import Testing

@testable import EnrolmentService

/// Subscribers' replays of enrolment's completions and their revocations (issue 17): rebuilt from the enrolments'
/// history, each comes back with the id, time and data it was first announced with (a second completion after a
/// correction under its own `-2` id), once, chunk after chunk, running replays taking turns; the same rules as
/// tracking's decide who may ask for what.
@Suite("Subscribers' replays of enrolment's completions")
struct EnrolmentReplayTests {
    static let completed = EnrolmentCompleted.eventType.rawValue
    static let queue = "subscriber.sirh-lyon.enrolments"

    static func body(
        eventType: String = completed, academy: String? = nil, since: Date, queue: String = queue
    ) -> [String: Any] {
        var body: [String: Any] = ["eventType": eventType, "since": Timestamp.format(since), "queue": queue]
        if let academy { body["academy"] = academy }
        return body
    }

    /// Two teachers of a Lyon session complete; the first's completion is revoked by a correction, then completed
    /// again (a second announcement). Returns the fixture and the three announcements as the outbox holds them.
    static func completions() async throws -> (EnrolmentFixture, [Message]) {
        let fixture = try await EnrolmentFixture.make()
        try await fixture.publish()
        try await fixture.application.test(.router) { client in
            let api = APIClient(client: client)
            let session = try await api.openSession(capacity: 5, mode: .open)
            for teacher in ["t-1", "t-2"] {
                let enrolment = try await api.post("/sessions/\(session)/enrolments", as: .teacher(teacher)).decode(
                    EnrolmentView.self)
                let completion = Messages.completion(
                    of: enrolment.id, participant: teacher, session: session, at: Date())
                _ = try await fixture.useCases.courseCompleted(
                    CloudEvent(id: "c-\(teacher)", time: Date(), event: completion))
                guard teacher == "t-1" else { continue }
                let revocation = Messages.revocation(of: enrolment.id, participant: teacher, session: session)
                _ = try await fixture.useCases.courseCompletionRevoked(
                    CloudEvent(id: "r-\(teacher)", time: Date(), event: revocation))
                let again = Messages.completion(
                    of: enrolment.id, participant: teacher, session: session, at: Date(), distance: 100, inPerson: 0,
                    revision: 2)
                _ = try await fixture.useCases.courseCompleted(
                    CloudEvent(id: "c2-\(teacher)", time: Date(), event: again))
            }
        }
        let announced = try await fixture.outboxMessages(type: completed)
        #expect(announced.count == 3)
        try await fixture.environment.transport.declare(Subscription(queue: queue, bindings: []))
        return (fixture, announced)
    }

    /// What reached `queue`, once `count` messages did.
    static func received(_ count: Int, from queue: String, _ fixture: EnrolmentFixture) async throws -> [Delivery] {
        let seen = Recorder<Delivery>()
        let consumer = Task {
            try await fixture.environment.transport.consume(Subscription(queue: queue, bindings: [])) { delivery in
                seen.append(delivery)
                return .ack
            }
        }
        defer { consumer.cancel() }
        try await expectEventually { seen.all.count >= count }
        // Nothing more comes.
        try await Task.sleep(for: .milliseconds(300))
        return seen.all
    }

    /// A CloudEvent body as JSON, without its trace context (a replay is not caused by the original request).
    static func envelope(_ body: Data) throws -> NSDictionary {
        let object = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
        return object.filter { $0.key != "traceparent" } as NSDictionary
    }

    @Test(
        "a subscriber gets back its academy's completions once each, with their original ids, times and data, chunk after chunk"
    )
    func replayed() async throws {
        let (fixture, announced) = try await Self.completions()
        #expect(announced.contains { $0.id.hasSuffix("-2") }, "the completion after a correction has its own id")
        let since = Date(timeIntervalSinceNow: -3600)
        let subscriber = try await TestAuth.subscriber("sirh-lyon", academy: "lyon", events: [Self.completed])
        let replay = try await fixture.application.test(.router) { client in
            let answer = try await client.send(.post, "/replays", json: Self.body(since: since), headers: subscriber)
            #expect(answer.status == .accepted)
            let replay = try answer.decode(ReplayView.self)
            #expect(answer.headers[.location] == "/replays/\(replay.id)")
            #expect(replay.state == "running" && replay.partitions == 1 && replay.academy == "lyon")
            return replay
        }
        // Two events a chunk: the cursor carries the replay over two steps, then it is done.
        var worker = fixture.assembly.replays
        worker.chunk = 2
        #expect(await worker.runOnce() == 2)
        #expect(await worker.runOnce() == 1)
        #expect(await worker.runOnce() == 0, "nothing left to send")
        let deliveries = try await Self.received(3, from: Self.queue, fixture)
        #expect(deliveries.map(\.message.id) == announced.map(\.id), "each once, in the order they were recorded")
        for (delivery, original) in zip(deliveries, announced) {
            #expect(delivery.message.time == original.time && delivery.message.subject == original.subject)
            #expect(try Self.envelope(delivery.message.body) == Self.envelope(original.body))
            #expect(delivery.message.headers[MessageHeader.replay] == replay.id)
        }
        try await fixture.application.test(.router) { client in
            let followed = try await client.send(.get, "/replays/\(replay.id)", headers: subscriber)
            let view = try followed.decode(ReplayView.self)
            #expect(view.state == "done" && view.eventsSent == 3 && view.partitionsDone == 1 && view.finishedAt != nil)
            let operatorView = try await client.send(
                .get, "/replays/\(replay.id)", headers: try await TestAuth.headers("ops-1", .operator))
            #expect(operatorView.status == .ok)
            let other = try await TestAuth.subscriber("sirh-nantes", academy: "nantes", events: [Self.completed])
            #expect(try await client.send(.get, "/replays/\(replay.id)", headers: other).status == .notFound)
        }
    }

    @Test("a revocation comes back as it was announced: its id names the revision, its hours are those given back")
    func revocationsReplayed() async throws {
        let (fixture, _) = try await Self.completions()
        let announced = try await fixture.outboxMessages(type: EnrolmentCompletionRevoked.eventType.rawValue)
        #expect(announced.count == 1)
        let revoked = EnrolmentCompletionRevoked.eventType.rawValue
        let subscriber = try await TestAuth.subscriber("sirh-lyon", academy: "lyon", events: [revoked])
        try await fixture.application.test(.router) { client in
            let answer = try await client.send(
                .post, "/replays", json: Self.body(eventType: revoked, since: Date(timeIntervalSinceNow: -3600)),
                headers: subscriber)
            #expect(answer.status == .accepted)
        }
        #expect(await fixture.assembly.replays.runOnce() == 1)
        let deliveries = try await Self.received(1, from: Self.queue, fixture)
        #expect(deliveries.map(\.message.id) == announced.map(\.id))
        for (delivery, original) in zip(deliveries, announced) {
            #expect(delivery.message.time == original.time)
            #expect(try Self.envelope(delivery.message.body) == Self.envelope(original.body))
        }
    }

    @Test("running replays take turns, chunk by chunk: a long one does not hold back the others")
    func turns() async throws {
        let (fixture, _) = try await Self.completions()
        let other = "subscriber.sirh-national.enrolments"
        try await fixture.environment.transport.declare(Subscription(queue: other, bindings: []))
        let since = Date(timeIntervalSinceNow: -3600)
        let lyon = try await TestAuth.subscriber("sirh-lyon", academy: "lyon", events: [Self.completed])
        let national = try await TestAuth.subscriber("sirh-national", academy: "national", events: [Self.completed])
        let ids = try await fixture.application.test(.router) { client in
            var ids: [String] = []
            for (token, queue) in [(lyon, Self.queue), (national, other)] {
                let answer = try await client.send(
                    .post, "/replays", json: Self.body(academy: "lyon", since: since, queue: queue), headers: token)
                ids.append(try answer.decode(ReplayView.self).id)
            }
            return ids
        }
        var worker = fixture.assembly.replays
        worker.chunk = 1
        let start = Date()
        for step in 0..<4 { #expect(await worker.runOnce(now: start.addingTimeInterval(Double(step))) == 1) }
        let sent = try await fixture.read { db in
            try ids.map { id in
                try Int.fetchOne(db, sql: "SELECT events_sent FROM replay WHERE replay_id = ?", arguments: [id])
            }
        }
        #expect(sent == [2, 2], "each replay had two turns")
    }

    @Test("another academy's completions are not this academy's: a national subscriber's replay of it sends nothing")
    func otherAcademy() async throws {
        let (fixture, _) = try await Self.completions()
        let national = try await TestAuth.subscriber("sirh-national", academy: "national", events: [Self.completed])
        let queue = "subscriber.sirh-national.enrolments"
        try await fixture.environment.transport.declare(Subscription(queue: queue, bindings: []))
        try await fixture.application.test(.router) { client in
            let grenoble = try await client.send(
                .post, "/replays",
                json: Self.body(academy: "grenoble", since: Date(timeIntervalSinceNow: -3600), queue: queue),
                headers: national)
            #expect(grenoble.status == .accepted)
        }
        #expect(await fixture.assembly.replays.runOnce() == 0)
        #expect(try await fixture.environment.transport.depth(of: queue) == 0)
    }

    @Test("what enrolment does not replay, another academy, someone else's queue, a third at once: refused")
    func refused() async throws {
        let fixture = try await EnrolmentFixture.make()
        let since = Date(timeIntervalSinceNow: -3600)
        try await fixture.application.test(.router) { client in
            let subscriber = try await TestAuth.subscriber(
                "sirh-lyon", academy: "lyon",
                events: [Self.completed, EnrolmentApproved.eventType.rawValue, "tracking.course.completed.v1"])
            for eventType in [EnrolmentApproved.eventType.rawValue, "tracking.course.completed.v1"] {
                let answer = try await client.send(
                    .post, "/replays", json: Self.body(eventType: eventType, since: since), headers: subscriber)
                #expect(try answer.problemFields == ["eventType"], "\(eventType): random ids, or not enrolment's")
            }
            let otherAcademy = try await client.send(
                .post, "/replays", json: Self.body(academy: "nantes", since: since), headers: subscriber)
            #expect(otherAcademy.status == .forbidden)
            let platformQueue = try await client.send(
                .post, "/replays", json: Self.body(since: since, queue: "tracking.events"), headers: subscriber)
            #expect(try platformQueue.problemFields == ["queue"])
            let manager = try await client.send(
                .post, "/replays", json: Self.body(since: since), headers: try await TestCaller.manager.headers())
            #expect(manager.status == .forbidden)
            for _ in 0..<2 {
                let answer = try await client.send(
                    .post, "/replays", json: Self.body(since: since), headers: subscriber)
                #expect(answer.status == .accepted)
            }
            let third = try await client.send(.post, "/replays", json: Self.body(since: since), headers: subscriber)
            #expect(third.status == .tooManyRequests && third.headers[.retryAfter] != nil)
        }
        let replays = try await fixture.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM replay") }
        #expect(replays == 2)
    }
}
