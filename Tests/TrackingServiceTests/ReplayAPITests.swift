import Contracts
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Messaging
import ServiceSupport
import Testing

@testable import TrackingService

/// Who may ask for a replay, of what, to which queue (issue 17); the replay flow itself runs over RabbitMQ in
/// Tests/python/test_replay.py.
@Suite("Subscribers' replays: the request")
struct ReplayAPITests {
    static let completed = CourseCompleted.eventType.rawValue

    static func body(
        eventType: String = completed, academy: String? = nil, since: String = "2026-09-01T00:00:00Z",
        queue: String = "subscriber.sirh-lyon.completions"
    ) -> [String: Any] {
        var body: [String: Any] = ["eventType": eventType, "since": since, "queue": queue]
        if let academy { body["academy"] = academy }
        return body
    }

    /// A tracking fixture whose partition queues exist (the router declares them when it runs).
    static func fixture() async throws -> TrackingFixture {
        let fixture = try await TrackingFixture.make()
        let naming = PartitionNaming(intakeQueue: TrackingServiceFactory.queue)
        for partition in 0..<TrackingPartitions.count {
            try await fixture.environment.transport.declare(
                Subscription(queue: naming.queue(ofPartition: partition), bindings: []))
        }
        return fixture
    }

    @Test("a subscriber asks for its academy's completions to its own queue: 202, then it follows the replay")
    func accepted() async throws {
        let fixture = try await Self.fixture()
        try await fixture.application.test(.router) { client in
            let subscriber = try await TestAuth.subscriber("sirh-lyon", academy: "lyon", events: [Self.completed])
            let answer = try await client.send(.post, "/replays", json: Self.body(), headers: subscriber)
            #expect(answer.status == .accepted)
            let replay = try answer.decode(ReplayView.self)
            #expect(answer.headers[.location] == "/replays/\(replay.id)")
            #expect(replay.state == "running" && replay.partitions == TrackingPartitions.count)
            #expect(replay.academy == "lyon" && replay.queue == "subscriber.sirh-lyon.completions")
            let followed = try await client.send(.get, "/replays/\(replay.id)", headers: subscriber)
            #expect(try followed.decode(ReplayView.self).id == replay.id)
            let other = try await TestAuth.subscriber("sirh-nantes", academy: "nantes", events: [Self.completed])
            #expect(try await client.send(.get, "/replays/\(replay.id)", headers: other).status == .notFound)
            let operatorView = try await client.send(
                .get, "/replays/\(replay.id)", headers: try await TestAuth.headers("ops-1", .operator))
            #expect(operatorView.status == .ok)
        }
        // The replay is recorded once, in its home partition; each partition's part went to that partition's queue.
        #expect(try await fixture.rowCount("replay") == 1)
        let naming = PartitionNaming(intakeQueue: TrackingServiceFactory.queue)
        for partition in [0, 17, TrackingPartitions.count - 1] {
            #expect(try await fixture.environment.transport.depth(of: naming.queue(ofPartition: partition)) == 1)
        }
    }

    @Test("another academy, an event type the token does not name, someone else's queue: refused, nothing started")
    func refused() async throws {
        let fixture = try await Self.fixture()
        try await fixture.application.test(.router) { client in
            let subscriber = try await TestAuth.subscriber("sirh-lyon", academy: "lyon", events: [Self.completed])
            let otherAcademy = try await client.send(
                .post, "/replays", json: Self.body(academy: "nantes"), headers: subscriber)
            #expect(otherAcademy.status == .forbidden)
            let otherType = try await client.send(
                .post, "/replays", json: Self.body(eventType: CourseCompletionRevoked.eventType.rawValue),
                headers: subscriber)
            #expect(otherType.status == .forbidden)
            let notReplayable = try await client.send(
                .post, "/replays", json: Self.body(eventType: "enrolment.enrolment.approved.v1"), headers: subscriber)
            #expect(try notReplayable.problemFields == ["eventType"])
            let platformQueue = try await client.send(
                .post, "/replays", json: Self.body(queue: "enrolment.events"), headers: subscriber)
            #expect(try platformQueue.problemFields == ["queue"])
            let future = try await client.send(
                .post, "/replays", json: Self.body(since: "2999-01-01T00:00:00Z"), headers: subscriber)
            #expect(try future.problemFields.contains("since"))
            let dotted = try await TestAuth.subscriber("sirh.lyon", academy: "lyon", events: [Self.completed])
            let prefixOfAnother = try await client.send(
                .post, "/replays", json: Self.body(queue: "subscriber.sirh.lyon.completions"), headers: dotted)
            #expect(prefixOfAnother.status == .forbidden, "a dotted id would make its prefix another subscriber's")
            let manager = try await client.send(
                .post, "/replays", json: Self.body(), headers: try await Callers.manager())
            #expect(manager.status == .forbidden)
            let national = try await TestAuth.subscriber("sirh-national", academy: "national", events: [Self.completed])
            let everywhere = try await client.send(
                .post, "/replays", json: Self.body(queue: "subscriber.sirh-national.all"), headers: national)
            #expect(everywhere.status == .accepted)
            #expect(try everywhere.decode(ReplayView.self).academy == nil)
        }
        #expect(try await fixture.rowCount("replay") == 1, "only the national subscriber's replay started")
    }

    @Test("a subscriber runs at most two replays at once on an instance: the third is 429 with Retry-After")
    func rateLimited() async throws {
        let fixture = try await Self.fixture()
        try await fixture.application.test(.router) { client in
            let subscriber = try await TestAuth.subscriber("sirh-lyon", academy: "lyon", events: [Self.completed])
            for _ in 0..<2 {
                #expect(
                    try await client.send(.post, "/replays", json: Self.body(), headers: subscriber).status == .accepted
                )
            }
            let third = try await client.send(.post, "/replays", json: Self.body(), headers: subscriber)
            #expect(third.status == .tooManyRequests)
            #expect(third.headers[.retryAfter] != nil)
        }
    }
}
