import Contracts
import Foundation
import Logging
import Messaging
import Testing

/// The messaging contract, run against BOTH transports: what every part of the platform relies on.
@Suite("Messaging contract, on each transport")
struct TransportContractTests {
    static let fast = RetryPolicy(delays: [.milliseconds(50), .milliseconds(100)], maxAttempts: 3)

    @Test(
        "a published message reaches a bound queue with its id, type, source, subject, body and trace context",
        arguments: TransportKind.allCases)
    func roundTrip(kind: TransportKind) async throws {
        let fixture = try TransportFixture(kind)
        let subscription = Subscription(
            queue: fixture.queue, bindings: [ThingHappened.eventType.rawValue], retry: Self.fast)
        try await fixture.transport.declare(subscription)
        let sent = try TransportFixture.message(ThingHappened(thingID: "t-1", number: 7))
        try await fixture.transport.publish([sent])

        let seen = Recorder<Delivery>()
        try await whileConsuming(
            fixture.transport, subscription,
            {
                seen.append($0)
                return .ack
            }
        ) {
            try await expectEventually { seen.count == 1 }
        }
        let got = try #require(seen.all.first)
        #expect(got.message.id == sent.id)
        #expect(got.message.type == "catalog.thing.happened.v1")
        #expect(got.message.source == "/magistere/catalog")
        #expect(got.message.subject == "t-1")
        #expect(got.message.body == sent.body)
        #expect(got.message.traceparent == sent.traceparent)
        #expect(got.attempt == 1)
        let decoded = try EventCoding.decode(CloudEvent<ThingHappened>.self, from: got.message.body)
        #expect(decoded.data == ThingHappened(thingID: "t-1", number: 7))
    }

    @Test(
        "a consumer stopped in the middle of a stream loses nothing: the next one gets the rest, in order",
        arguments: TransportKind.allCases)
    func stopMidStream(kind: TransportKind) async throws {
        // Given 200 messages waiting in a queue
        let fixture = try TransportFixture(kind)
        let subscription = Subscription(
            queue: fixture.queue, bindings: [ThingHappened.eventType.rawValue], retry: Self.fast)
        try await fixture.transport.declare(subscription)
        let sent = try (0..<200).map { try TransportFixture.message(ThingHappened(thingID: "s-\($0)", number: $0)) }
        try await fixture.transport.publish(sent)

        // When a first consumer is stopped after about twenty, and a second one consumes the queue
        let first = Recorder<String>()
        try await whileConsuming(
            fixture.transport, subscription,
            {
                first.append($0.message.id)
                return .ack
            }
        ) {
            try await expectEventually { first.count >= 20 }
        }
        let second = Recorder<String>()
        try await whileConsuming(
            fixture.transport, subscription,
            {
                second.append($0.message.id)
                return .ack
            }
        ) {
            try await expectEventually { Set(first.all + second.all).count == sent.count }
        }

        // Then every message was handled, each consumer in publishing order, and only the few in flight at the
        // stop (at most a prefetch window) twice
        let order = Dictionary(uniqueKeysWithValues: sent.enumerated().map { ($1.id, $0) })
        #expect(Set(first.all + second.all) == Set(sent.map(\.id)))
        for seen in [first.all, second.all] {
            let positions = seen.compactMap { order[$0] }
            #expect(positions == positions.sorted())
        }
        #expect(Set(first.all).intersection(second.all).count <= subscription.prefetch)
    }

    @Test(
        "windows come in queue order and no larger than the prefetch; each delivery is settled as decided, and one left without a settlement comes back",
        arguments: TransportKind.allCases)
    func windows(kind: TransportKind) async throws {
        // Given 60 messages waiting in a queue whose consumer takes at most 8 at a time
        let fixture = try TransportFixture(kind)
        let subscription = Subscription(
            queue: fixture.queue, bindings: [ThingHappened.eventType.rawValue], prefetch: 8, retry: Self.fast)
        try await fixture.transport.declare(subscription)
        let sent = try (0..<60).map { try TransportFixture.message(ThingHappened(thingID: "w-\($0)", number: $0)) }
        try await fixture.transport.publish(sent)
        let number = Dictionary(uniqueKeysWithValues: sent.enumerated().map { ($1.id, $0) })

        // When the consumer parks every tenth message, acknowledges the others, and leaves the last delivery of
        // its first window without a settlement
        let windows = Recorder<[Delivery]>()
        let leftOut = Recorder<String>()
        let consumer = Task {
            try await fixture.transport.consumeWindows(subscription) { window in
                windows.append(window)
                var settlements = window.map {
                    number[$0.message.id]! % 10 == 3 ? Settlement.park(reason: "tenth") : .ack
                }
                if leftOut.count == 0 {
                    leftOut.append(window.last!.message.id)
                    settlements.removeLast()
                }
                return settlements
            }
        }
        // (60 s: in full runs, other tests' blocking work can hold the cooperative pool for a while)
        try await expectEventually(timeout: .seconds(60)) {
            Set(windows.all.flatMap { $0 }.map(\.message.id)).count == sent.count
                && windows.all.flatMap { $0 }.filter { $0.message.id == leftOut.all.first }.count == 2
        }
        consumer.cancel()
        try? await consumer.value

        // Then every window was at most the prefetch, first deliveries came in publishing order, the one left out
        // came back redelivered, the tenths are parked and nothing is waiting or was delivered a third time
        #expect(windows.all.allSatisfy { !$0.isEmpty && $0.count <= 8 })
        if kind == .embedded {  // (on a broker, how many have arrived when a window is cut depends on timing)
            #expect(windows.all.contains { $0.count > 1 }, "messages waiting are taken several at a time")
        }
        let firsts = windows.all.flatMap { $0 }.filter { !$0.redelivered }.map { number[$0.message.id]! }
        #expect(firsts == Array(0..<60))
        let again = windows.all.flatMap { $0 }.filter(\.redelivered).map(\.message.id)
        #expect(again == leftOut.all)
        let parked = try await fixture.transport.parkedMessages(queue: fixture.queue, limit: 20)
        #expect(Set(parked.map(\.message.id)) == Set(sent.filter { number[$0.id]! % 10 == 3 }.map(\.id)))
        #expect(try await fixture.depth() == 0)
    }

    @Test("on a broker, the windows that arrive while one is being handled are handed over together, in order")
    func mergedWindows() async throws {
        // Given a consumer (prefetch 64, so windows of up to 32) whose first window's handler holds on
        let fixture = try TransportFixture(.amqp)
        let subscription = Subscription(
            queue: fixture.queue, bindings: [ThingHappened.eventType.rawValue], prefetch: 64, retry: Self.fast)
        try await fixture.transport.declare(subscription)
        let windows = Recorder<[Delivery]>()
        let released = Recorder<Bool>()
        let consumer = Task {
            try await fixture.transport.consumeWindows(subscription) { window in
                windows.append(window)
                let deadline = ContinuousClock.now + .seconds(30)
                while windows.count == 1, released.count == 0, ContinuousClock.now < deadline {
                    try? await Task.sleep(for: .milliseconds(5))
                }
                return window.map { _ in .ack }
            }
        }
        var sent = [try TransportFixture.message(ThingHappened(thingID: "m", number: 0))]
        try await fixture.transport.publish(sent)
        try await expectEventually { windows.count == 1 }

        // When 40 more are published one at a time (each reaching the consumer as a window of its own) and have
        // all been delivered to it before the first window is settled
        for number in 1...40 {
            let message = try TransportFixture.message(ThingHappened(thingID: "m", number: number))
            try await fixture.transport.publish([message])
            sent.append(message)
            try await Task.sleep(for: .milliseconds(10))
        }
        try await expectEventually { try await fixture.depth() == 0 }
        try await Task.sleep(for: .milliseconds(200))
        released.append(true)
        try await expectEventually { windows.all.flatMap { $0 }.count == sent.count }
        consumer.cancel()
        try? await consumer.value

        // Then the next window held many of them (up to half the prefetch), and every message came once, in order
        let all = windows.all
        #expect(all.count >= 2)
        #expect(all.count > 1 && all[1].count >= 16, "the waiting windows were handed over together")
        #expect(all.allSatisfy { $0.count <= 32 })
        #expect(all.flatMap { $0 }.map(\.message.id) == sent.map(\.id))
        #expect(all.flatMap { $0 }.allSatisfy { !$0.redelivered })
        #expect(try await fixture.depth() == 0)
    }

    @Test("routing keys select what a queue receives", arguments: TransportKind.allCases)
    func routing(kind: TransportKind) async throws {
        let fixture = try TransportFixture(kind)
        let subscription = Subscription(queue: fixture.queue, bindings: ["catalog.*.happened.v1"], retry: Self.fast)
        try await fixture.transport.declare(subscription)
        var other = try TransportFixture.message(ThingHappened(thingID: "x", number: 0))
        other.type = "catalog.thing.vanished.v1"
        let wanted = try TransportFixture.message(ThingHappened(thingID: "y", number: 1))
        try await fixture.transport.publish([other, wanted])

        let seen = Recorder<String>()
        try await whileConsuming(
            fixture.transport, subscription,
            {
                seen.append($0.message.id)
                return .ack
            }
        ) {
            try await expectEventually { seen.count >= 1 }
            try await Task.sleep(for: .milliseconds(300))
        }
        #expect(seen.all == [wanted.id])
    }

    @Test(
        "a message no queue is bound to is confirmed and reported unroutable; the others are published as usual",
        arguments: TransportKind.allCases)
    func unroutable(kind: TransportKind) async throws {
        let fixture = try TransportFixture(kind)
        let subscription = Subscription(
            queue: fixture.queue, bindings: [ThingHappened.eventType.rawValue], retry: Self.fast)
        try await fixture.transport.declare(subscription)
        let first = try TransportFixture.message(ThingHappened(thingID: "u", number: 1))
        var nobodys = try TransportFixture.message(ThingHappened(thingID: "u", number: 2))
        nobodys.type = "catalog.thing.vanished.v1"
        let last = try TransportFixture.message(ThingHappened(thingID: "u", number: 3))

        let receipt = try await fixture.transport.publish([first, nobodys, last])

        #expect(receipt.unroutable == [1])
        let seen = Recorder<String>()
        try await whileConsuming(
            fixture.transport, subscription,
            {
                seen.append($0.message.id)
                return .ack
            }
        ) {
            try await expectEventually { seen.count >= 2 }
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(seen.all == [first.id, last.id])
        #expect(try await fixture.transport.publish([first]).unroutable.isEmpty)
    }

    @Test(
        "messages published before anyone consumes are kept, and arrive in publishing order",
        arguments: TransportKind.allCases)
    func ordering(kind: TransportKind) async throws {
        let fixture = try TransportFixture(kind)
        let subscription = Subscription(
            queue: fixture.queue, bindings: [ThingHappened.eventType.rawValue], retry: Self.fast)
        try await fixture.transport.declare(subscription)
        let batch = try (0..<200).map { try TransportFixture.message(ThingHappened(thingID: "o", number: $0)) }
        try await fixture.transport.publish(batch)
        for number in 200..<250 {
            try await fixture.transport.publish([
                try TransportFixture.message(ThingHappened(thingID: "o", number: number))
            ])
        }
        let seen = Recorder<Int>()
        try await whileConsuming(
            fixture.transport, subscription,
            { delivery in
                let event = try? EventCoding.decode(CloudEvent<ThingHappened>.self, from: delivery.message.body)
                seen.append(event?.data.number ?? -1)
                return .ack
            }
        ) {
            try await expectEventually { seen.count == 250 }
        }
        #expect(seen.all == Array(0..<250))
    }

    @Test(
        "a handler that throws gets the message again, and its effect is committed once",
        arguments: TransportKind.allCases)
    func redelivery(kind: TransportKind) async throws {
        let fixture = try TransportFixture(kind)
        let store = try EffectStore(path: fixture.directory.appendingPathComponent("effects.sqlite").path)
        let routes = Self.routes { envelope, delivery in
            if delivery.attempt == 1 { throw TransportError("database is busy") }
            try await store.apply(delivery, number: envelope.data.number)
        }
        let consumer = EventConsumer(
            transport: fixture.transport, queue: fixture.queue, routes: routes, retry: Self.fast,
            logger: TestEnvironment.logger)
        try await fixture.transport.declare(consumer.subscription)
        let message = try TransportFixture.message(ThingHappened(thingID: "r", number: 1))
        try await fixture.transport.publish([message])
        let attempts = Recorder<Int>()
        try await whileConsuming(
            fixture.transport, consumer.subscription,
            { delivery in
                attempts.append(delivery.attempt)
                return await consumer.settle(delivery)
            }
        ) {
            try await expectEventually { try await store.count() == 1 }
        }
        #expect(attempts.all == [1, 2])
        #expect(try await store.count() == 1)
    }

    @Test(
        "a message that keeps failing is retried with delay, then parked with its reason, then replayed",
        arguments: TransportKind.allCases)
    func deadLetterAndReplay(kind: TransportKind) async throws {
        let fixture = try TransportFixture(kind)
        let store = try EffectStore(path: fixture.directory.appendingPathComponent("effects.sqlite").path)
        let healthy = Recorder<Bool>()
        let routes = Self.routes { envelope, delivery in
            guard healthy.count > 0 else { throw TransportError("referenced course unknown") }
            try await store.apply(delivery, number: envelope.data.number)
        }
        let consumer = EventConsumer(
            transport: fixture.transport, queue: fixture.queue, routes: routes, retry: Self.fast,
            logger: TestEnvironment.logger)
        try await fixture.transport.declare(consumer.subscription)
        let message = try TransportFixture.message(ThingHappened(thingID: "d", number: 9))
        try await fixture.transport.publish([message])
        let attempts = Recorder<Int>()
        let started = ContinuousClock.now
        try await whileConsuming(
            fixture.transport, consumer.subscription,
            { delivery in
                attempts.append(delivery.attempt)
                return await consumer.settle(delivery)
            }
        ) {
            try await expectEventually {
                try await fixture.transport.parkedMessages(queue: fixture.queue, limit: 10).count == 1
            }
            #expect(attempts.all == [1, 2, 3])
            #expect(ContinuousClock.now - started >= .milliseconds(150), "retries wait 50 ms then 100 ms")
            let parked = try await fixture.transport.parkedMessages(queue: fixture.queue, limit: 10)
            #expect(parked.first?.message.id == message.id)
            #expect(parked.first?.reason.contains("referenced course unknown") == true)
            #expect(parked.first?.message.body == message.body)
            // Listing leaves them in place.
            #expect(try await fixture.transport.parkedMessages(queue: fixture.queue, limit: 10).count == 1)

            healthy.append(true)
            #expect(try await fixture.transport.replayParked(queue: fixture.queue, limit: 10) == 1)
            try await expectEventually { try await store.count() == 1 }
        }
        #expect(attempts.all == [1, 2, 3, 1])
        #expect(try await fixture.transport.parkedMessages(queue: fixture.queue, limit: 10).isEmpty)
    }

    @Test("a duplicated message has one effect", arguments: TransportKind.allCases)
    func duplicates(kind: TransportKind) async throws {
        let fixture = try TransportFixture(kind)
        let store = try EffectStore(path: fixture.directory.appendingPathComponent("effects.sqlite").path)
        let duplicatesDropped = Recorder<String>()
        let routes = Self.routes { envelope, delivery in
            if try await !store.apply(delivery, number: envelope.data.number) {
                duplicatesDropped.append(delivery.message.id)
            }
        }
        let consumer = EventConsumer(
            transport: fixture.transport, queue: fixture.queue, routes: routes, retry: Self.fast,
            logger: TestEnvironment.logger)
        try await fixture.transport.declare(consumer.subscription)
        let message = try TransportFixture.message(ThingHappened(thingID: "dup", number: 1))
        let other = try TransportFixture.message(ThingHappened(thingID: "dup", number: 2))
        try await fixture.transport.publish([message, message, other, message])
        try await whileConsuming(fixture.transport, consumer.subscription, { await consumer.settle($0) }) {
            try await expectEventually { duplicatesDropped.count == 2 }
        }
        #expect(try await store.numbers() == [1, 2])
    }

    @Test(
        "malformed payloads, unknown versions and forged sources are parked at once and do not block the queue",
        arguments: TransportKind.allCases)
    func poison(kind: TransportKind) async throws {
        let fixture = try TransportFixture(kind)
        let store = try EffectStore(path: fixture.directory.appendingPathComponent("effects.sqlite").path)
        let routes = Self.routes { envelope, delivery in try await store.apply(delivery, number: envelope.data.number) }
        var subscriptionRoutes = routes
        subscriptionRoutes.on(ThingHappenedV2.self) { _, _ in }
        let consumer = EventConsumer(
            transport: fixture.transport, queue: fixture.queue, routes: routes, retry: Self.fast,
            logger: TestEnvironment.logger)
        var subscription = consumer.subscription
        subscription.bindings = ["catalog.thing.#"]
        try await fixture.transport.declare(subscription)

        var notJSON = try TransportFixture.message(ThingHappened(thingID: "p", number: 0))
        notJSON.body = Data("{not json".utf8)
        var missingField = try TransportFixture.message(ThingHappened(thingID: "p", number: 0))
        missingField.body = Data(
            String(decoding: missingField.body, as: UTF8.self).replacingOccurrences(of: "\"number\":0,", with: "").utf8)
        let unknownVersion = try TransportFixture.message(ThingHappenedV2(thingID: "p"))
        let forged = try TransportFixture.message(ThingHappened(thingID: "p", number: 0), source: "/magistere/tracking")
        let good = try TransportFixture.message(ThingHappened(thingID: "ok", number: 5))
        try await fixture.transport.publish([notJSON, missingField, unknownVersion, forged, good])

        let attempts = Recorder<Int>()
        try await whileConsuming(
            fixture.transport, subscription,
            { delivery in
                attempts.append(delivery.attempt)
                return await consumer.settle(delivery)
            }
        ) {
            try await expectEventually { try await store.count() == 1 }
            // Counted without listing: listing while parks arrive would interleave them (it rotates the queue)
            try await expectEventually { try await fixture.parkedCount() == 4 }
        }
        #expect(attempts.all.allSatisfy { $0 == 1 }, "poison is parked at once, never retried")
        let reasons = try await fixture.transport.parkedMessages(queue: fixture.queue, limit: 10).map(\.reason)
        #expect(reasons[0].contains("not a CloudEvent"))
        #expect(reasons[1].contains("data.number"), "the reason names the missing field: \(reasons[1])")
        #expect(reasons[2].contains("unknown event type 'catalog.thing.happened.v2'"))
        #expect(reasons[3].contains("source '/magistere/tracking' may not publish"))
    }

    static func routes(
        _ handle: @escaping @Sendable (CloudEvent<ThingHappened>, Delivery) async throws -> Void
    ) -> EventRoutes {
        var routes = EventRoutes()
        routes.on(ThingHappened.self, handle)
        return routes
    }
}

/// A later version of the test event, which the consumer under test does not know.
struct ThingHappenedV2: DomainEvent {
    static let eventType: EventType = "catalog.thing.happened.v2"
    static let producer = ServiceName.catalog
    var thingID: String
    var subject: String { thingID }
}
