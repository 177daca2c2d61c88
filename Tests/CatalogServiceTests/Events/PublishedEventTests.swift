import CatalogService
import Contracts
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Messaging
import Synchronization
import Testing

/// Collects what a consumer received, across tasks.
final class Deliveries: Sendable {
    private let items = Mutex<[Delivery]>([])
    func append(_ delivery: Delivery) { items.withLock { $0.append(delivery) } }
    var all: [Delivery] { items.withLock { $0 } }
}

@Suite("Publishing a course announces it on the bus, never in the request path")
struct PublishedEventTests {
    @Test("a published course reaches a queue bound on real RabbitMQ, with its whole snapshot")
    func reachesRabbitMQ() async throws {
        let url = try #require(
            ProcessInfo.processInfo.environment["MAGISTERE_TEST_AMQP_URL"],
            "MAGISTERE_TEST_AMQP_URL is not set: start the test broker (scripts/test) and export its URL")
        let tag = UUID().uuidString.prefix(8).lowercased()
        let transport = AMQPTransport(
            endpoint: try AMQPEndpoint(url: url), topology: AMQPTopology(exchange: "test.catalog.\(tag)"),
            confirmTimeout: .seconds(10), logger: TestLog.logger)
        defer { transport.close() }
        let subscription = Subscription(queue: "test.catalog.\(tag)", bindings: ["catalog.course.#"])
        try await transport.declare(subscription)

        let fixture = try await CatalogFixture.make(transport: transport)
        let designer = try await Callers.nationalDesigner()
        let relay = try #require(fixture.service.background.first)
        let received = Deliveries()
        let sent = Mutex<CoursePublished?>(nil)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await relay.run() }
            group.addTask {
                try await transport.consume(subscription) {
                    received.append($0)
                    return .ack
                }
            }
            try await fixture.application.test(.router) { client in
                let id = try await client.createCourse(as: designer)
                let response = try await client.send(.post, "/courses/\(id)/publish", as: designer)
                #expect(response.status == .created)
                let published = try response.decode(CoursePublished.self)
                sent.withLock { $0 = published }
            }
            let arrived = try await eventually { !received.all.isEmpty }
            let marked = try await eventually { try await fixture.outboxStatus().pending == 0 }
            group.cancelAll()
            #expect(arrived, "no event reached the bound queue")
            #expect(marked, "the relay did not mark the event as published")
        }
        let delivery = try #require(received.all.first)
        #expect(delivery.message.type == "catalog.course.published.v1")
        #expect(delivery.message.source == "/magistere/catalog")
        let event = try EventCoding.decode(CloudEvent<CoursePublished>.self, from: delivery.message.body)
        let published = try #require(sent.withLock { $0 })
        #expect(event.data == published)
        #expect(event.subject == published.courseID)
        #expect(event.data.activities.count == 3)
        #expect(event.data.activities.map(\.kind) == [.video, .selfAssessmentQuiz, .inPersonMeeting])
        #expect(event.data.activities[1].passThreshold == 0.7)
    }

    @Test("with the broker down, publishing still succeeds and the event waits in the outbox")
    func brokerDown() async throws {
        let transport = AMQPTransport(
            endpoint: try AMQPEndpoint(url: "amqp://guest:guest@127.0.0.1:1/"), confirmTimeout: .seconds(2),
            logger: TestLog.logger)
        defer { transport.close() }
        let fixture = try await CatalogFixture.make(transport: transport)
        let designer = try await Callers.nationalDesigner()
        let relay = try #require(fixture.service.background.first)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await relay.run() }
            try await fixture.application.test(.router) { client in
                let id = try await client.createCourse(as: designer)
                // Answered 201 with the broker unreachable: the broker is not in the request path.
                let response = try await client.send(.post, "/courses/\(id)/publish", as: designer)
                #expect(response.status == .created)
                let read = try await client.send(.get, "/courses/\(id)")
                #expect(try read.object["latestVersion"] as? Int == 1)
            }
            try await Task.sleep(for: .milliseconds(500))
            group.cancelAll()
        }
        let status = try await fixture.outboxStatus()
        #expect(status.pending == 1)
        #expect(status.published == 0)
        #expect(try await fixture.outboxTypes() == ["catalog.course.published.v1"])
    }
}
