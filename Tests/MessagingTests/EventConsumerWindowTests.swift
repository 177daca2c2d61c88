import Contracts
import Foundation
import Messaging
import Testing

/// A consumer handles a window of deliveries by subject: one subject's events in order, different subjects'
/// at the same time (so that a store with group commit writes them together).
@Suite("A consumer's window of deliveries")
struct EventConsumerWindowTests {
    @Test("events about one subject are handled in queue order; events about different subjects at the same time")
    func lanes() async throws {
        // Given a window of events about two subjects, interleaved, and a handler that holds the first event of
        // subject "a" until one of subject "b" has been handled
        let fixture = try TransportFixture(.embedded)
        let started = Recorder<String>()
        let finished = Recorder<String>()
        let routes = TransportContractTests.routes { envelope, _ in
            let name = "\(envelope.data.thingID)\(envelope.data.number)"
            started.append(name)
            if name == "a0" {
                let deadline = ContinuousClock.now + .seconds(10)
                while !finished.all.contains(where: { $0.hasPrefix("b") }), ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(5))
                }
            }
            finished.append(name)
        }
        let consumer = EventConsumer(
            transport: fixture.transport, queue: fixture.queue, routes: routes, logger: TestEnvironment.logger)
        let window = try [("a", 0), ("b", 0), ("a", 1), ("b", 1), ("a", 2), ("c", 0)].map { thing, number in
            Delivery(
                message: try TransportFixture.message(ThingHappened(thingID: thing, number: number)), attempt: 1,
                queue: fixture.queue, redelivered: false)
        }

        // When the consumer settles the window
        let settlements = await consumer.settle(window)

        // Then every event was acknowledged, subject "b" went on while "a" waited, and each subject kept its order
        #expect(settlements.count == window.count)
        #expect(settlements.allSatisfy { if case .ack = $0 { true } else { false } })
        let done = finished.all
        #expect(done.firstIndex(of: "b0")! < done.firstIndex(of: "a0")!, "b did not wait for a")
        #expect(done.filter { $0.hasPrefix("a") } == ["a0", "a1", "a2"])
        #expect(done.filter { $0.hasPrefix("b") } == ["b0", "b1"])
        #expect(started.all.filter { $0.hasPrefix("a") } == ["a0", "a1", "a2"], "a1 never started before a0 ended")
    }

    @Test("one subject's events from two queues are handled at the same time: order is kept per queue")
    func lanesPerQueue() async throws {
        // Given a consumer of two queues, a window holding events about one subject from both (as tracking's
        // partitions each receive a course's publication and each directory batch), and a handler that holds the
        // first queue's first event until the second queue's has been handled
        let fixture = try TransportFixture(.embedded)
        let other = fixture.queue + ".other"
        let started = Recorder<String>()
        let finished = Recorder<String>()
        let routes = TransportContractTests.routes { envelope, delivery in
            let name = "\(delivery.queue == other ? "q2" : "q1")-\(envelope.data.number)"
            started.append(name)
            if name == "q1-0" {
                let deadline = ContinuousClock.now + .seconds(10)
                while !finished.all.contains("q2-0"), ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(5))
                }
            }
            finished.append(name)
        }
        let consumer = EventConsumer(
            transport: fixture.transport,
            subscriptions: [
                Subscription(queue: fixture.queue, bindings: []), Subscription(queue: other, bindings: []),
            ], routes: routes, logger: TestEnvironment.logger)
        let window = try [(fixture.queue, 0), (other, 0), (fixture.queue, 1), (other, 1)].map { queue, number in
            Delivery(
                message: try TransportFixture.message(ThingHappened(thingID: "same", number: number)), attempt: 1,
                queue: queue, redelivered: false)
        }

        // When the consumer settles the window
        let settlements = await consumer.settle(window)

        // Then all were acknowledged, the second queue's events did not wait for the first's, and each queue
        // kept its order
        #expect(settlements.allSatisfy { if case .ack = $0 { true } else { false } })
        let done = finished.all
        #expect(done.firstIndex(of: "q2-0")! < done.firstIndex(of: "q1-0")!, "q2 did not wait for q1")
        #expect(done.filter { $0.hasPrefix("q1") } == ["q1-0", "q1-1"])
        #expect(started.all.filter { $0.hasPrefix("q2") } == ["q2-0", "q2-1"])
    }

    @Test(
        "a handler interrupted because the consumer is stopping hands its delivery back: no retry, no attempt counted")
    func interruptedAtStop() async throws {
        // Given a handler that is still working when the consumer is stopped
        let fixture = try TransportFixture(.embedded)
        let started = Recorder<Bool>()
        let routes = TransportContractTests.routes { _, _ in
            started.append(true)
            try await Task.sleep(for: .seconds(30))
        }
        let consumer = EventConsumer(
            transport: fixture.transport, queue: fixture.queue, routes: routes, logger: TestEnvironment.logger)
        let delivery = Delivery(
            message: try TransportFixture.message(ThingHappened(thingID: "s", number: 1)), attempt: 1,
            queue: fixture.queue, redelivered: false)
        let settling = Task { await consumer.settle([delivery]) }
        try await expectEventually { started.count == 1 }

        // When the consumer's task is cancelled
        settling.cancel()

        // Then the delivery is handed back, not retried
        #expect(await settling.value == [.handBack])
    }

    @Test("each delivery of a window gets its own settlement, in the window's order")
    func mixedOutcomes() async throws {
        // Given a window holding a good event, a malformed message and an event of an unknown type
        let fixture = try TransportFixture(.embedded)
        let routes = TransportContractTests.routes { envelope, _ in
            if envelope.data.number < 0 { throw PermanentFailure("negative") }
        }
        let consumer = EventConsumer(
            transport: fixture.transport, queue: fixture.queue, routes: routes, logger: TestEnvironment.logger)
        var malformed = try TransportFixture.message(ThingHappened(thingID: "m", number: 1))
        malformed.body = Data("{not json".utf8)
        let messages = [
            try TransportFixture.message(ThingHappened(thingID: "g", number: 1)), malformed,
            try TransportFixture.message(ThingHappened(thingID: "n", number: -1)),
            try TransportFixture.message(ThingHappened(thingID: "g", number: 2)),
        ]
        let window = messages.map { Delivery(message: $0, attempt: 1, queue: fixture.queue, redelivered: false) }

        // When the consumer settles it
        let settlements = await consumer.settle(window)

        // Then the good ones are acknowledged and the two bad ones parked, each at its place
        let kinds = settlements.map { settlement -> String in
            switch settlement {
            case .ack: "ack"
            case .park: "park"
            case .retry: "retry"
            case .handBack: "hand back"
            }
        }
        #expect(kinds == ["ack", "park", "park", "ack"])
    }
}
