import Contracts
import Foundation
import Messaging
import Testing

@testable import TrackingService

@Suite("Partition router")
struct PartitionRouterTests {
    @Test(
        "a window's placements reach their sessions' partitions, and every partition once as one directory batch; a course goes to every partition"
    )
    func placementsAreBatched() async throws {
        // Given a router on an embedded bus, its 32 partition queues declared
        let directory = try TrackingFixture.temporaryDirectory("router")
        let transport = try EmbeddedTransport(path: directory.appendingPathComponent("bus.sqlite").path)
        let naming = PartitionNaming(intakeQueue: "tracking.events")
        let subscriptions = (0..<TrackingPartitions.count).map {
            Subscription(queue: naming.queue(ofPartition: $0), bindings: [])
        }
        for subscription in subscriptions { try await transport.declare(subscription) }
        let router = PartitionRouter(
            transport: transport, naming: naming, bindings: ["#"], partitionSubscriptions: subscriptions,
            broadcast: TrackingEventHandlers.placements, logger: TestLog.logger)
        // Three approvals in sessions of different partitions, and a course publication
        let sessions = (0..<200).map { "session-\($0)" }
        var chosen: [String] = []
        for session in sessions
        where !chosen.map { TrackingPartitions.partition(ofSession: $0) }.contains(
            TrackingPartitions.partition(ofSession: session))
        {
            chosen.append(session)
            if chosen.count == 3 { break }
        }
        var window: [Delivery] = []
        for (number, session) in chosen.enumerated() {
            let event = Events.envelope(
                Events.approved(session, enrolmentID: "e-\(number)", participantID: "p-\(number)"))
            window.append(
                Delivery(message: try Broker.message(event), attempt: 1, queue: "tracking.events", redelivered: false))
        }
        window.append(
            Delivery(
                message: try Broker.message(Events.envelope(Events.coursePublished())), attempt: 1,
                queue: "tracking.events", redelivered: false))

        // When the window is routed
        let settlements = await router.route(window)

        // Then every message is acknowledged; each session's partition holds its approval, the course and the
        // batch; every other partition the course and the batch only
        #expect(settlements.count == window.count)
        let owners = Set(chosen.map { TrackingPartitions.partition(ofSession: $0) })
        for partition in 0..<TrackingPartitions.count {
            let depth = try await transport.depth(of: naming.queue(ofPartition: partition))
            #expect(depth == (owners.contains(partition) ? 3 : 2), "partition \(partition)")
        }
        // The batch's id is derived from the window's placements, in order
        let ids = window.prefix(3).map(\.message.id)
        #expect(PartitionRouter.digest(ids) == PartitionRouter.digest(ids))
        #expect(PartitionRouter.digest(ids) != PartitionRouter.digest(Array(ids.reversed())))
    }
}
