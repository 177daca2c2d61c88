import Contracts
import Foundation
import Messaging
import Testing

/// `magistere dead-letters list` browses parked messages (basic.get, published again at the tail, then
/// ack). Browsing must not use up delivery attempts, or parked messages would vanish after a few listings.
@Suite("Browsing parked messages (AMQP)", .serialized)
struct DeadLetterBrowseTests {
    static func park(_ message: Message, _ transport: AMQPTransport, _ subscription: Subscription) async throws {
        try await transport.declare(subscription)
        try await transport.publish([message])
        try await whileConsuming(transport, subscription, { _ in .park(reason: "poison") }) {
            try await expectEventually {
                try await transport.parkedMessages(queue: subscription.queue, limit: 10).count == 1
            }
        }
    }

    @Test("a parked message listed far more often than the delivery limit stays parked, and replays")
    func listingIsNotADeliveryAttempt() async throws {
        let node = try TestEnvironment.requireNode()
        let (fixture, transport, subscription) = try TransportFixture.amqpThings()
        // Given a delivery limit of 3 on the (quorum) dead-letter queue: RabbitMQ 4 gives every quorum
        // queue a limit (20) by default; 3.10 only through a policy such as this one
        let policy = "test-delivery-limit-\(fixture.queue)"
        let pattern = "^" + NSRegularExpression.escapedPattern(for: subscription.deadLetterQueue) + "$"
        try await controlNode(
            "ctl", node, "set_policy", "--apply-to", "queues", policy, pattern, #"{"delivery-limit":3}"#)
        let message = try TransportFixture.message(ThingHappened(thingID: "b", number: 1))
        try await Self.park(message, transport, subscription)

        // When an operator lists the parked messages 15 times
        for listing in 1...15 {
            let parked = try await transport.parkedMessages(queue: fixture.queue, limit: 10)
            // Then it is still there every time
            #expect(parked.map(\.message.id) == [message.id], "listing \(listing)")
        }
        #expect(try await transport.deadLetterQueueIsLegacy(of: fixture.queue) == false)

        // And it replays, as a first attempt
        #expect(try await transport.replayParked(queue: fixture.queue, limit: 10) == 1)
        let seen = Recorder<Delivery>()
        try await whileConsuming(
            transport, subscription,
            {
                seen.append($0)
                return .ack
            }
        ) {
            try await expectEventually { seen.count == 1 }
        }
        #expect(seen.all.first?.message.id == message.id)
        #expect(seen.all.first?.attempt == 1)
        #expect(try await transport.parkedMessages(queue: fixture.queue, limit: 10).isEmpty)
        try await controlNode("ctl", node, "clear_policy", policy)
    }

    @Test("listing some of the parked messages moves them to the tail; listing all keeps their order")
    func listingRotates() async throws {
        let (fixture, transport, subscription) = try TransportFixture.amqpThings()
        let messages = try (0..<5).map { try TransportFixture.message(ThingHappened(thingID: "r", number: $0)) }
        try await transport.declare(subscription)
        try await transport.publish(messages)
        let parkedCount = Recorder<String>()
        try await whileConsuming(
            transport, subscription,
            {
                parkedCount.append($0.message.id)
                return .park(reason: "poison")
            }
        ) {
            try await expectEventually { parkedCount.count == messages.count }
            try await expectEventually {
                try await transport.depth(of: subscription.deadLetterQueue) == messages.count
            }
        }
        let ids = try await transport.parkedMessages(queue: fixture.queue, limit: 100).map(\.message.id)
        #expect(Set(ids) == Set(messages.map(\.id)))
        // When two are listed, then all
        #expect(
            try await transport.parkedMessages(queue: fixture.queue, limit: 2).map(\.message.id) == Array(ids[0..<2]))
        let all = try await transport.parkedMessages(queue: fixture.queue, limit: 100).map(\.message.id)
        // Then the two listed first are now last, and a full listing leaves that order as it is
        #expect(all == Array(ids[2...] + ids[0..<2]))
        #expect(try await transport.parkedMessages(queue: fixture.queue, limit: 100).map(\.message.id) == all)
        #expect(try await transport.depth(of: subscription.deadLetterQueue) == messages.count)
    }

    @Test("a classic dead-letter queue left by an earlier version does not stop consuming; parking into it still works")
    func legacyClassicDeadLetterQueue() async throws {
        let node = try TestEnvironment.requireNode()
        let (fixture, transport, subscription) = try TransportFixture.amqpThings()
        // Given `<queue>.dead` declared as a classic queue, as versions before the quorum one did
        try await controlNode(
            "ctl", node, "eval",
            """
            rabbit_amqqueue:declare(rabbit_misc:r(<<"/">>, queue, <<"\(subscription.deadLetterQueue)">>), true, false, \
            [{<<"x-queue-type">>, longstr, <<"classic">>}], none, <<"test">>).
            """)

        // When the subscription is declared (redeclaring that queue as quorum is PRECONDITION_FAILED)
        try await transport.declare(subscription)

        // Then the queue is kept, recognised as legacy, and a message is still parked into it and listed
        #expect(try await transport.deadLetterQueueIsLegacy(of: fixture.queue))
        let message = try TransportFixture.message(ThingHappened(thingID: "l", number: 1))
        try await Self.park(message, transport, subscription)
        #expect(try await transport.parkedMessages(queue: fixture.queue, limit: 10).map(\.message.id) == [message.id])
    }
}
