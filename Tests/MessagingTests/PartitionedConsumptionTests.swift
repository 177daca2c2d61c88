import Contracts
import Foundation
import Messaging
import Testing

/// Several queues consumed together on one connection, messages sent straight to queues, shared delay queues and
/// leases: what tracking's partitions are built on.
@Suite("Queues consumed together, sending to queues, leases")
struct PartitionedConsumptionTests {
    /// Three queues of one delay group, none bound to the exchange (messages are sent to them).
    static func group(_ fixture: TransportFixture, lease: Lease.WhenHeld? = nil) -> [Subscription] {
        (0..<3).map { index in
            let queue = "\(fixture.queue).part.\(index)"
            return Subscription(
                queue: queue, bindings: [], prefetch: 16, retry: TransportContractTests.fast,
                lease: lease.map { Lease(name: "\(queue).lease", whenHeld: $0) }, delayGroup: "\(fixture.queue).part",
                singleActiveConsumer: true)
        }
    }

    @Test(
        "queues consumed together: each delivery names its queue, each queue keeps its order, and a retry through the shared delay queue comes back to the queue it failed in",
        arguments: TransportKind.allCases)
    func consumedTogether(kind: TransportKind) async throws {
        let fixture = try TransportFixture(kind)
        let subscriptions = Self.group(fixture)
        for subscription in subscriptions { try await fixture.transport.declare(subscription) }
        // Given 60 messages sent round-robin to the three queues
        var items: [(queue: String, message: Message)] = []
        for number in 0..<60 {
            items.append(
                (
                    subscriptions[number % 3].queue,
                    try TransportFixture.message(ThingHappened(thingID: "n-\(number)", number: number))
                ))
        }
        try await fixture.transport.send(items)

        // When they are consumed together, the first attempt of every seventh failing
        let seen = Recorder<(queue: String, number: Int, attempt: Int)>()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await fixture.transport.consumeWindows(subscriptions) { window in
                    window.map { delivery in
                        let event = try! EventCoding.decode(CloudEvent<ThingHappened>.self, from: delivery.message.body)
                        seen.append((delivery.queue, event.data.number, delivery.attempt))
                        return event.data.number % 7 == 0 && delivery.attempt == 1
                            ? .retry(after: .milliseconds(50), reason: "first attempts of multiples of 7 fail") : .ack
                    }
                }
            }
            try await expectEventually { seen.count == 60 + 9 }
            group.cancelAll()
        }

        // Then each message came from the queue it was sent to, in its queue's order, and each retry came back there
        for (index, subscription) in subscriptions.enumerated() {
            let firsts = seen.all.filter { $0.queue == subscription.queue && $0.attempt == 1 }.map(\.number)
            #expect(firsts == Array(stride(from: index, to: 60, by: 3)), "queue \(index) in order")
            let retried = seen.all.filter { $0.queue == subscription.queue && $0.attempt == 2 }.map(\.number)
            #expect(retried.sorted() == firsts.filter { $0 % 7 == 0 }, "retries of queue \(index) came back to it")
        }
    }

    @Test("sending to a queue that does not exist fails: nothing is taken as stored", arguments: TransportKind.allCases)
    func sendToMissingQueue(kind: TransportKind) async throws {
        let fixture = try TransportFixture(kind)
        let message = try TransportFixture.message(ThingHappened(thingID: "lost", number: 1))
        await #expect(throws: (any Error).self) {
            try await fixture.transport.send([("\(fixture.queue).nowhere", message)])
        }
    }

    @Test("the embedded bus, reopened, still knows a queue declared without bindings (a subscriber's replay queue)")
    func embeddedQueueWithoutBindingsSurvivesARestart() async throws {
        let directory = try TestEnvironment.temporaryDirectory()
        let path = directory.appendingPathComponent("bus.sqlite").path
        try await EmbeddedTransport(path: path).declare(Subscription(queue: "subscriber.s-1.events", bindings: []))
        let reopened = try EmbeddedTransport(path: path)
        let message = try TransportFixture.message(ThingHappened(thingID: "kept", number: 1))
        try await reopened.send([("subscriber.s-1.events", message)])
        #expect(try await reopened.depth(of: "subscriber.s-1.events") == 1)
        await #expect(throws: (any Error).self) { try await reopened.send([("subscriber.s-1.nowhere", message)]) }
    }

    @Test(
        "a lease: while one consumer holds its queues, another that must not wait is refused with LeaseHeld; one that may wait stands by and takes over when the first stops"
    )
    func leases() async throws {
        let fixture = try TransportFixture(.amqp)
        let refusing = Self.group(fixture, lease: .refuse)
        let waiting = Self.group(fixture, lease: .wait)
        for subscription in refusing { try await fixture.transport.declare(subscription) }
        let other = AMQPTransport(
            endpoint: try TestEnvironment.requireAMQP(),
            topology: AMQPTopology(exchange: "test.events.\(fixture.queue)"), logger: TestEnvironment.logger)
        defer { other.close() }
        let firstSeen = Recorder<Int>()
        let secondSeen = Recorder<Int>()
        let number: @Sendable (Delivery) -> Int = { delivery in
            (try? EventCoding.decode(CloudEvent<ThingHappened>.self, from: delivery.message.body))?.data.number ?? -1
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            // Given a first consumer holding the leases of the three queues
            group.addTask {
                try await fixture.transport.consumeWindows(refusing) { window in
                    window.map { firstSeen.append(number($0)) }.map { .ack }
                }
            }
            try await expectEventually { refusing.allSatisfy { fixture.transport.isAttached(toQueue: $0.queue) } }

            // When a second process claims them without waiting, it is refused
            await #expect(throws: LeaseHeld.self) {
                try await other.consumeWindows(refusing) { window in window.map { _ in .ack } }
            }

            // When a second one may wait, it stands by: messages go to the first only
            let standby = Task {
                try await other.consumeWindows(waiting) { window in
                    window.map { secondSeen.append(number($0)) }.map { .ack }
                }
            }
            try await fixture.transport.send(
                [(refusing[0].queue, try TransportFixture.message(ThingHappened(thingID: "a", number: 1)))])
            try await expectEventually { firstSeen.all == [1] }
            #expect(!other.isAttached(toQueue: waiting[0].queue))

            // When the first stops, the one standing by takes over and gets what comes next
            group.cancelAll()
            try await expectEventually(timeout: .seconds(30)) { other.isAttached(toQueue: waiting[0].queue) }
            try await fixture.transport.send(
                [(refusing[1].queue, try TransportFixture.message(ThingHappened(thingID: "b", number: 2)))])
            try await expectEventually { secondSeen.all == [2] }
            #expect(firstSeen.all == [1])
            standby.cancel()
            _ = try? await standby.value
        }
    }
}
