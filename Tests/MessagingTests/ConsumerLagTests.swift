import Contracts
import Foundation
import Messaging
import MetricsTestKit
import Synchronization
import Testing

/// What a consumer tells about its backlog on `/metrics`: its queue's depth and how far behind its producers it is.
@Suite("A consumer's lag")
struct ConsumerLagTests {
    @Test(
        "paused, the queue depth it reports grows; resumed, it comes back to 0, its lag names the events' age and its watermark passes them"
    )
    func depthAndLag() async throws {
        // Given 6 events written 30 s ago, and a consumer (one delivery at a time) whose handler is paused
        let fixture = try TransportFixture(.embedded)
        let metrics = TestMetrics()
        let paused = Atomic<Bool>(true)
        let handled = Recorder<Int>()
        let routes = TransportContractTests.routes { envelope, _ in
            while paused.load(ordering: .relaxed) { try await Task.sleep(for: .milliseconds(5)) }
            handled.append(envelope.data.number)
        }
        let consumer = EventConsumer(
            transport: fixture.transport, queue: fixture.queue, routes: routes, prefetch: 1,
            depthInterval: .milliseconds(20), metrics: metrics, logger: TestEnvironment.logger)
        try await fixture.transport.declare(consumer.subscription)
        let written = Date().addingTimeInterval(-30)
        try await fixture.transport.publish(
            (0..<6).map { try TransportFixture.message(ThingHappened(thingID: "lag", number: $0), time: written) })
        let dimensions = [("queue", fixture.queue)]
        func depth() -> Double? { try? metrics.expectGauge("magistere_consumer_queue_depth", dimensions).lastValue }
        func lag() -> Double? { try? metrics.expectGauge("magistere_consumer_lag_seconds", dimensions).lastValue }
        func watermark() -> Double? {
            try? metrics.expectGauge("magistere_consumer_applied_through_seconds", dimensions).lastValue
        }

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await consumer.run() }
            // When it is paused on the first event: the other five wait (the embedded bus counts the one in hand
            // too, RabbitMQ only the ready ones), and it has handled nothing yet
            try await expectEventually("the backlog is reported") { (depth() ?? 0) >= 5 }
            #expect(lag() == nil)
            #expect(watermark() == nil, "nothing handled and a backlog: no watermark yet")
            #expect(consumer.appliedThrough(queue: fixture.queue) == nil, "nor for the reads that carry it")

            // When it resumes: the backlog drains, and its lag is the age of what it handled
            paused.store(false, ordering: .relaxed)
            try await expectEventually { handled.count == 6 }
            try await expectEventually("the drained queue is reported") { depth() == 0 }
            // Drained: everything sent before the last sample is applied, the events written 30 s ago included
            try await expectEventually("the watermark passes the events") {
                (watermark() ?? 0) > written.timeIntervalSince1970 + 29
            }
            // The same instant for the reads that depend on these events (X-Consistent-Through), never going back
            let through = try #require(consumer.appliedThrough(queue: fixture.queue))
            #expect(through > written.addingTimeInterval(29))
            try await Task.sleep(for: .milliseconds(60))
            #expect(try #require(consumer.appliedThrough(queue: fixture.queue)) >= through)
            group.cancelAll()
        }
        let behind = try #require(lag())
        #expect(behind >= 30 && behind < 300, "lag \(behind) s for events written 30 s before")
    }

    @Test(
        "an operator's pause detaches the consumer: what arrives waits, its depth and how far behind it is grow, the watermark stays before it; resumed, it catches up, each event once",
        arguments: TransportKind.allCases)
    func operatorPause(kind: TransportKind) async throws {
        // Given a consumer that has handled three events, with the instance's pause switch
        let fixture = try TransportFixture(kind)
        let metrics = TestMetrics()
        let handled = Recorder<Int>()
        let routes = TransportContractTests.routes { envelope, _ in handled.append(envelope.data.number) }
        let consumption = ConsumptionSwitch()
        let consumer = EventConsumer(
            transport: fixture.transport, queue: fixture.queue, routes: routes, retry: TransportContractTests.fast,
            consumption: consumption, depthInterval: .milliseconds(20), metrics: metrics,
            logger: TestEnvironment.logger)
        try await fixture.transport.declare(consumer.subscription)
        func publish(_ numbers: Range<Int>) async throws {
            try await fixture.transport.publish(
                numbers.map { try TransportFixture.message(ThingHappened(thingID: "pause-\($0)", number: $0)) })
        }
        let dimensions = [("queue", fixture.queue)]
        func gauge(_ label: String) -> Double? { try? metrics.expectGauge(label, dimensions).lastValue }
        try await publish(0..<3)

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await consumer.run() }
            try await expectEventually { handled.count == 3 }
            try await expectEventually("the drained queue is reported") {
                gauge("magistere_consumer_queue_depth") == 0 && gauge("magistere_consumer_behind_seconds") != nil
            }

            // When an operator pauses consumption and five more events are published
            consumption.pause(reason: "investigating", by: "ops")
            try await expectEventually("the consumer detaches") { !consumer.isAttached }
            #expect(consumer.isRunning, "a paused consumer keeps its instance ready")
            try await publish(3..<8)
            // Taken once they are in the queue: a sample taken while they were being published may have found the
            // queue empty, and rightly put the watermark at its own time.
            let publishedAt = Date()

            // Then they wait in the queue: the depth says so, the watermark stays before them and falls behind
            try await expectEventually("the backlog is reported") { gauge("magistere_consumer_queue_depth") == 5 }
            try await expectEventually("it is reported paused") { gauge("magistere_consumer_paused") == 1 }
            try await expectEventually("how far behind it is grows") {
                (gauge("magistere_consumer_behind_seconds") ?? 0) > 0.2
            }
            #expect(handled.count == 3)
            #expect(try #require(consumer.appliedThrough(queue: fixture.queue)) < publishedAt)

            // When it resumes: it catches up, each event once, and the watermark passes them
            consumption.resume()
            try await expectEventually { handled.count == 8 }
            try await expectEventually("the watermark passes the events") {
                (consumer.appliedThrough(queue: fixture.queue) ?? .distantPast) > publishedAt
                    && gauge("magistere_consumer_paused") == 0 && gauge("magistere_consumer_queue_depth") == 0
            }
            #expect(consumer.isAttached)
            group.cancelAll()
        }
        #expect(handled.all.sorted() == Array(0..<8))
    }
}
