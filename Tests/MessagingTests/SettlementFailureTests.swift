import Contracts
import Foundation
import Messaging
import Testing

/// A retry or park is a publish; when the broker does not store it (refused, never confirmed,
/// returned because its queue is gone) the delivery must not stay unacknowledged on a connection that
/// lives on: it is handed back to the queue, delivered again, and nothing is lost.
@Suite("Retries and parks the broker does not store (AMQP)")
struct SettlementFailureTests {
    @Test(
        "a retry into a delay queue that does not exist is returned by the broker: the delivery comes back, nothing is lost"
    )
    func unroutableRetry() async throws {
        // Given a message in a consumer's queue
        let (fixture, transport, subscription) = try TransportFixture.amqpThings()
        try await transport.declare(subscription)
        let message = try TransportFixture.message(ThingHappened(thingID: "r", number: 1))
        try await transport.publish([message])

        // When its first delivery asks for a retry after a delay no delay queue was declared for
        // (`<queue>.delay.77ms`), so that the broker has no queue to put the retry in
        let seen = Recorder<Delivery>()
        try await whileConsuming(
            transport, subscription,
            { delivery in
                seen.append(delivery)
                return seen.count == 1 ? .retry(after: .milliseconds(77), reason: "database is busy") : .ack
            }
        ) {
            // Then the delivery comes back (it was neither dropped nor left unacknowledged)
            try await expectEventually("the delivery whose retry was not stored comes back") { seen.count >= 2 }
            try await Task.sleep(for: .milliseconds(300))
        }
        #expect(seen.all.map(\.message.id) == [message.id, message.id])
        #expect(seen.all.last?.redelivered == true)
        #expect(seen.all.last?.attempt == 1, "handed back as it was, not counted as a retry")
        #expect(try await transport.depth(of: fixture.queue) == 0)
        #expect(
            try await transport.depth(of: AMQPTopology.retryQueue(of: fixture.queue, delay: .milliseconds(50))) == 0)
    }

    @Test(
        "a park into a deleted dead-letter queue is not taken as stored: the delivery comes back, and is parked once the queue is back"
    )
    func unroutablePark() async throws {
        let node = try TestEnvironment.requireNode()
        // Given a consumer that parks what it receives
        let (fixture, transport, subscription) = try TransportFixture.amqpThings()
        try await transport.declare(subscription)
        let message = try TransportFixture.message(ThingHappened(thingID: "p", number: 2))
        try await transport.publish([message])

        let deadLetterQueueDeleted = Recorder<Bool>()
        let seen = Recorder<Delivery>()
        try await whileConsuming(
            transport, subscription,
            { delivery in
                seen.append(delivery)
                // The consumer declares the dead-letter queue when it connects: the first delivery waits
                // until the test has deleted it.
                let deadline = ContinuousClock.now + .seconds(30)
                while deadLetterQueueDeleted.count == 0, !Task.isCancelled, ContinuousClock.now < deadline {
                    try? await Task.sleep(for: .milliseconds(10))
                }
                return .park(reason: "poison")
            }
        ) {
            try await expectEventually { seen.count == 1 }
            // When its dead-letter queue has been deleted (by an operator, say)
            try await controlNode("ctl", node, "delete_queue", subscription.deadLetterQueue)
            deadLetterQueueDeleted.append(true)

            // Then the park is not confirmed as stored: the delivery comes back instead of vanishing
            try await expectEventually("the delivery whose park was not stored comes back") { seen.count >= 2 }
            #expect(seen.all.dropFirst().allSatisfy { $0.message.id == message.id && $0.redelivered })

            // And once the queue is declared again, the next attempt parks it
            try await transport.declare(subscription)
            try await expectEventually {
                (try? await transport.parkedMessages(queue: fixture.queue, limit: 10).count) == 1
            }
        }
        let parked = try await transport.parkedMessages(queue: fixture.queue, limit: 10)
        #expect(parked.map(\.message.id) == [message.id])
        #expect(parked.first?.reason == "poison")
        #expect(try await transport.depth(of: fixture.queue) == 0)
    }

    @Test(
        "a park the broker refuses (basic.nack: the dead-letter queue is full) hands the delivery back; it is parked once there is room"
    )
    func refusedPark() async throws {
        let node = try TestEnvironment.requireNode()
        let (fixture, transport, subscription) = try TransportFixture.amqpThings()
        // Given a dead-letter queue that refuses every new message (a policy: no room, reject new ones; a quorum
        // queue's limit is soft, it takes one message beyond it, so the queue already holds one parked message)
        try await transport.declare(subscription)
        let filler = try TransportFixture.message(ThingHappened(thingID: "f", number: 0))
        try await transport.publish([filler])
        try await whileConsuming(transport, subscription, { _ in .park(reason: "filler") }) {
            try await expectEventually { try await transport.depth(of: subscription.deadLetterQueue) == 1 }
        }
        let policy = "test-full-\(fixture.queue)"
        let pattern = "^" + NSRegularExpression.escapedPattern(for: subscription.deadLetterQueue) + "$"
        try await controlNode(
            "ctl", node, "set_policy", "--apply-to", "queues", policy, pattern,
            #"{"max-length":0,"overflow":"reject-publish"}"#)
        let message = try TransportFixture.message(ThingHappened(thingID: "f", number: 3))
        try await transport.publish([message])

        let seen = Recorder<Delivery>()
        try await whileConsuming(
            transport, subscription,
            { delivery in
                seen.append(delivery)
                return .park(reason: "poison")
            }
        ) {
            // When the consumer parks the message, Then the broker's refusal hands it back, again and again
            try await expectEventually("the delivery whose park was refused comes back") { seen.count >= 3 }
            #expect(try await transport.depth(of: subscription.deadLetterQueue) == 1)

            // And once the queue takes messages again, the next attempt parks it
            try await controlNode("ctl", node, "clear_policy", policy)
            try await expectEventually {
                (try? await transport.depth(of: subscription.deadLetterQueue)) == 2
            }
        }
        #expect(seen.all.allSatisfy { $0.message.id == message.id })
        #expect(
            try await transport.parkedMessages(queue: fixture.queue, limit: 10).map(\.message.id) == [
                filler.id, message.id,
            ])
        #expect(try await transport.depth(of: fixture.queue) == 0)
    }
}
