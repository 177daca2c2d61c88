import Contracts
import Foundation
import Messaging
import Testing

@testable import TrackingService

/// The factory the `magistere` command uses.
@Suite("Tracking service factory")
struct FactoryTests {
    @Test(
        "make opens one file per owned partition, names the service, runs a relay per file, the router and the partition consumer, and checks readiness"
    )
    func make() async throws {
        let directory = try TrackingFixture.temporaryDirectory("tracking")
        let storePath = directory.appendingPathComponent("tracking.sqlite").path
        let environment = try TrackingFixture.environment(
            storePath: storePath,
            transport: EmbeddedTransport(path: directory.appendingPathComponent("bus.sqlite").path))
        let service = try await TrackingServiceFactory.make(
            environment, options: .init(partitions: try PartitionSet(parsing: "0-3,9")))
        #expect(service.name == .tracking)
        #expect(
            service.background.count == 4,
            "the router, the host of the partitions (relays and consumer), the replays' worker, the watermark's sampler"
        )
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter {
            $0.hasSuffix(".sqlite") && $0 != "bus.sqlite"
        }
        #expect(
            files.sorted() == [
                "tracking.p00.sqlite", "tracking.p01.sqlite", "tracking.p02.sqlite",
                "tracking.p03.sqlite", "tracking.p09.sqlite",
            ])
        let partitions = try #require(service.readiness.first { $0.name == "partitions" })
        await #expect(throws: (any Error).self, "not ready before the consumer runs") { try await partitions.probe() }
    }

    @Test("partition sets read ranges, lists, all and none, print compactly, and refuse what does not exist")
    func partitionSets() throws {
        #expect(try PartitionSet(parsing: "0-3,9").partitions == [0, 1, 2, 3, 9])
        #expect(try PartitionSet(parsing: "16-31").description == "16-31")
        #expect(try PartitionSet(parsing: " 5, 3 ,4").description == "3-5")
        #expect(try PartitionSet(parsing: "all") == .all)
        #expect(PartitionSet.all.description == "all")
        #expect(try PartitionSet(parsing: "none") == .none)
        #expect(PartitionSet.none.description == "none" && PartitionSet.none.partitions.isEmpty)
        for bad in ["", "32", "3-1", "a", "1-2-3", "-1"] {
            #expect(throws: PartitionSetError.self, "'\(bad)'") { try PartitionSet(parsing: bad) }
        }
        let naming = PartitionNaming(intakeQueue: "tracking.events")
        #expect(naming.queue(ofPartition: 7) == "tracking.events.partition.07")
        #expect(naming.partition(ofQueue: "tracking.events.partition.31") == 31)
        #expect(naming.partition(ofQueue: "tracking.events.partition.32") == nil)
        #expect(naming.partition(ofQueue: "tracking.events") == nil)
        #expect(PartitionNaming.file(ofPartition: 4, storePath: "/data/tracking.sqlite") == "/data/tracking.p04.sqlite")
    }

    @Test(
        "a store from before partition files is split at start: each file keeps its sessions, course versions and inbox; the outbox stays in partition 0 only; the old file is kept as a backup"
    )
    func legacySplit() async throws {
        // Given a store written as one file (as earlier versions did) with two sessions in two partitions
        let directory = try TrackingFixture.temporaryDirectory("tracking")
        let storePath = directory.appendingPathComponent("tracking.sqlite").path
        let sessions = (0..<200).map { "session-\($0)" }
        let first = sessions[0]
        let second = try #require(
            sessions.first {
                TrackingPartitions.partition(ofSession: $0) != TrackingPartitions.partition(ofSession: first)
            })
        do {
            let pool = try ServiceStoreOpener.open(path: storePath)
            let projector = ReadModelProjector(stores: .single(PartitionStore(database: pool)))
            try await projector.apply(Events.envelope(Events.coursePublished()))
            for session in [first, second] {
                try await projector.apply(Events.envelope(Events.sessionScheduled(session)))
                try await projector.apply(
                    Events.envelope(
                        Events.approved(session, enrolmentID: "e-\(session)", participantID: "p-\(session)")))
            }
            try await pool.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO magistere_outbox (id, type, source, subject, time, body, created_at)
                        VALUES ('ev-1', 'tracking.course.completed.v1', '/magistere/tracking', 's',
                                '2026-01-01 00:00:00.000', x'7b7d', '2026-01-01 00:00:00.000')
                        """)
            }
            try pool.close()
        }

        // When the service starts
        let environment = try TrackingFixture.environment(
            storePath: storePath,
            transport: EmbeddedTransport(path: directory.appendingPathComponent("bus.sqlite").path))
        let assembly = try TrackingServiceFactory.assemble(environment)

        // Then each session is in its partition's file only, with the course and the inbox everywhere
        for session in [first, second] {
            let partition = TrackingPartitions.partition(ofSession: session)
            let counts = try await assembly.stores.store(forPartition: partition).read { db in
                (
                    try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM session") ?? -1,
                    try Int.fetchOne(
                        db, sql: "SELECT COUNT(*) FROM enrolment WHERE session_id = ?", arguments: [session])
                        ?? -1,
                    try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM course_version") ?? -1,
                    try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM magistere_inbox") ?? -1
                )
            }
            #expect(counts.0 == 1 && counts.1 == 1, "partition \(partition) holds its session and enrolment only")
            #expect(counts.2 == 1 && counts.3 == 5, "course versions and the inbox are kept in every file")
        }
        var outboxRows = 0
        for store in assembly.stores.all {
            outboxRows += try await store.read { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM magistere_outbox") ?? 0
            }
        }
        #expect(outboxRows == 1, "the outbox is not copied: nothing is published twice")
        #expect(!FileManager.default.fileExists(atPath: storePath))
        #expect(FileManager.default.fileExists(atPath: storePath + ".split"))
    }
}
