import Contracts
import Foundation
import GRDB
import Logging
import Messaging
import ServiceLifecycle
import ServiceSupport
import Synchronization

/// Runs what an instance does for the partitions it owns — one outbox relay per partition file, and the consumer
/// of their queues — and changes that set while the service runs: a partition released stops being consumed
/// (the consumer is restarted without it once its windows in hand are settled), its relay stops, its writes in
/// flight commit and its file is closed whole; a partition acquired is opened, relayed and consumed (its lease
/// taken). The broker holds the partition's messages in between.
final class PartitionHost: Service, ReadinessReporting, EventConsumerHosting, Sendable {
    private struct Hosted {
        var relay: OutboxRelay
        var relayTask: Task<Void, Never>
    }

    private struct State {
        var hosted: [Int: Hosted] = [:]
        var consumer: EventConsumer?
        var consumerTask: Task<Void, Never>?
        var running = false
    }

    let stores: TrackingStores
    let naming: PartitionNaming
    let storePath: String
    private let subscriptions: [Subscription]
    private let routes: EventRoutes
    let environment: ServiceEnvironment
    private let logger: Logger
    private let state = Mutex(State())
    /// Serialises changes of the owned set (one move at a time).
    private let changes = ChangeLock()
    private let failures: AsyncStream<any Error>
    private let failed: AsyncStream<any Error>.Continuation

    init(
        stores: TrackingStores, naming: PartitionNaming, storePath: String, subscriptions: [Subscription],
        routes: EventRoutes, environment: ServiceEnvironment
    ) {
        self.stores = stores
        self.naming = naming
        self.storePath = storePath
        self.subscriptions = subscriptions
        self.routes = routes
        self.environment = environment
        self.logger = environment.logger
        (failures, failed) = AsyncStream.makeStream(of: (any Error).self)
    }

    /// Opens (creating if needed) a partition's file as a store whose commits nudge its relay.
    static func open(
        partition: Int, storePath: String, environment: ServiceEnvironment
    ) throws -> (
        PartitionStore, OutboxRelay
    ) {
        let pool = try ServiceStoreOpener.open(path: PartitionNaming.file(ofPartition: partition, storePath: storePath))
        // Relays are nudged by every write that appends to their outbox: polling only covers a lost nudge,
        // and 32 relays polling as often as one would cost more than it saves.
        let relay = OutboxRelay(
            database: pool, transport: environment.transport, service: ServiceName.tracking.rawValue,
            pollInterval: max(environment.outboxPollInterval, .milliseconds(500)), logger: environment.logger)
        return (PartitionStore(database: pool, partitions: [partition]) { relay.nudge() }, relay)
    }

    /// The relays of the partitions opened before the host runs: started when it does.
    private let initialRelays = Mutex<[Int: OutboxRelay]>([:])

    /// Registers a partition opened before the service runs.
    func adopt(partition: Int, store: PartitionStore, relay: OutboxRelay) {
        stores.add(store)
        initialRelays.withLock { $0[partition] = relay }
    }

    /// The consumer of the owned partitions now (nil when none is owned).
    var consumer: EventConsumer? { state.withLock { $0.consumer } }

    var eventConsumers: [EventConsumer] { consumer.map { [$0] } ?? [] }

    func run() async throws {
        state.withLock { $0.running = true }
        for (partition, relay) in initialRelays.withLock({ $0 }) { startRelay(relay, partition: partition) }
        restartConsumer()
        // Until the service shuts down (gracefully, or cancelled) or the consumer fails.
        var failure: (any Error)?
        do {
            try await cancelWhenGracefulShutdown {
                for await failure in self.failures { throw failure }
            }
        } catch is CancellationError {
        } catch {
            failure = error
        }
        // The consumer and the relays run as tasks of their own: a graceful shutdown reaches them (they inherit
        // it, and settle what they hold); a cancellation or a failure is passed on. Then wait for them.
        let (consumerTask, relayTasks) = state.withLock { state in
            state.running = false
            return (state.consumerTask, state.hosted.values.map(\.relayTask))
        }
        if Task.isCancelled || failure != nil {
            consumerTask?.cancel()
            for task in relayTasks { task.cancel() }
        }
        await consumerTask?.value
        for task in relayTasks { await task.value }
        if let failure { throw failure }
    }

    private func startRelay(_ relay: OutboxRelay, partition: Int) {
        let task = Task { _ = try? await relay.run() }
        state.withLock { $0.hosted[partition] = Hosted(relay: relay, relayTask: task) }
    }

    /// Stops the consumer (its windows in hand settled, its leases given back) and starts one for the partitions
    /// owned now.
    private func restartConsumer() {
        let owned = stores.owned
        let consumer =
            owned.isEmpty
            ? nil
            : EventConsumer(
                transport: environment.transport, subscriptions: owned.map { subscriptions[$0] }, routes: routes,
                consumption: environment.consumption, logger: logger)
        let task = consumer.map { consumer in
            Task {
                do {
                    try await consumer.run()
                } catch {
                    self.failed.yield(error)
                }
            }
        }
        state.withLock { state in
            state.consumer = consumer
            state.consumerTask = task
        }
    }

    private func stopConsumer() async {
        let task = state.withLock { state -> Task<Void, Never>? in
            defer {
                state.consumerTask = nil
                state.consumer = nil
            }
            return state.consumerTask
        }
        task?.cancel()
        await task?.value
    }

    /// What a released partition leaves behind: its file, whole and closed, and its checksum.
    struct ReleasedFile: Codable, Sendable, Equatable {
        var partition: Int
        var file: String
        var bytes: Int
        var sha256: String
    }

    /// Stops owning `partitions`: nothing more is consumed from their queues (the broker keeps what arrives), their
    /// writes in flight commit, their relays publish what their outboxes hold, and their files are closed and
    /// renamed `…sqlite.released` (so that a restart with a stale configuration cannot take them up again).
    func release(_ partitions: [Int]) async throws -> [ReleasedFile] {
        try await changes.run {
            guard partitions.allSatisfy(stores.owns(partition:)) else {
                let missing = partitions.filter { !stores.owns(partition: $0) }
                throw PartitionSetError("this instance does not own partition(s) \(missing)")
            }
            await stopConsumer()
            var released: [(Int, PartitionStore)] = []
            for partition in partitions {
                if let store = stores.remove(partition: partition) { released.append((partition, store)) }
            }
            // The others go on at once.
            if state.withLock({ $0.running }) { restartConsumer() }
            var files: [ReleasedFile] = []
            for (partition, store) in released {
                if let hosted = state.withLock({ $0.hosted.removeValue(forKey: partition) }) {
                    hosted.relayTask.cancel()
                    await hosted.relayTask.value
                }
                try await store.close()
                let path = PartitionNaming.file(ofPartition: partition, storePath: storePath)
                let parked = path + ".released"
                try? FileManager.default.removeItem(atPath: parked)
                for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
                try FileManager.default.moveItem(atPath: path, toPath: parked)
                let (bytes, digest) = try FileDigest.sha256(ofFile: parked)
                files.append(ReleasedFile(partition: partition, file: parked, bytes: bytes, sha256: digest))
                logger.notice(
                    "partition released", metadata: ["partition": "\(partition)", "sha256": "\(digest)"])
            }
            return files
        }
    }

    /// Starts owning `partitions`, whose files were received (`….sqlite.incoming`) and must match `checksums`: each
    /// file is checked, renamed into place, opened and relayed, and the partitions' queues are consumed (their
    /// leases taken: a partition another live instance still holds fails the consumer loudly).
    func acquire(_ checksums: [Int: String]) async throws {
        try await changes.run {
            let partitions = checksums.keys.sorted()
            if let owned = partitions.first(where: stores.owns(partition:)) {
                throw PartitionSetError("this instance owns partition \(owned) already")
            }
            for partition in partitions {
                let path = PartitionNaming.file(ofPartition: partition, storePath: storePath)
                let incoming = path + ".incoming"
                guard FileManager.default.fileExists(atPath: incoming) else {
                    throw PartitionSetError("no file received for partition \(partition) (PUT it first)")
                }
                let (_, digest) = try FileDigest.sha256(ofFile: incoming)
                guard digest == checksums[partition] else {
                    throw PartitionSetError(
                        "the file received for partition \(partition) has SHA-256 \(digest), not \(checksums[partition] ?? "")"
                    )
                }
            }
            await stopConsumer()
            for partition in partitions {
                let path = PartitionNaming.file(ofPartition: partition, storePath: storePath)
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
                try FileManager.default.moveItem(atPath: path + ".incoming", toPath: path)
                let (store, relay) = try Self.open(partition: partition, storePath: storePath, environment: environment)
                stores.add(store)
                startRelay(relay, partition: partition)
                logger.notice("partition acquired", metadata: ["partition": "\(partition)"])
            }
            restartConsumer()
        }
    }

    var readinessChecks: [ReadinessCheck] {
        [
            ReadinessCheck("partitions") {
                for store in self.stores.all {
                    let status = try await store.read { db in try Outbox.status(in: db) }
                    if let age = status.oldestPendingAge, age > PlatformService.outboxAgeLimit {
                        throw TransportError("\(status.pending) event(s) waiting for the bus for \(Int(age)) s")
                    }
                }
                let owned = self.stores.owned
                // A spare knows no enrolment: load balancers keep it out until partitions are moved to it.
                guard !owned.isEmpty else { throw TransportError("owns no partition (a spare)") }
                guard self.consumer?.isRunning == true else {
                    throw TransportError("not consuming the partition queues of \(owned)")
                }
            }
        ]
    }
}

/// Runs changes one after the other.
final class ChangeLock: Sendable {
    private let busy = Mutex(false)

    func run<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        while !busy.withLock({ busy in
            defer { busy = true }
            return !busy
        }) {
            try await Task.sleep(for: .milliseconds(20))
        }
        defer { busy.withLock { $0 = false } }
        return try await body()
    }
}

/// SHA-256 of files, as lowercase hex.
enum FileDigest {
    static func sha256(ofFile path: String) throws -> (bytes: Int, hex: String) {
        let data = try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
        let digest = SHA256.digest([UInt8](data))
        return (data.count, digest.map { byte in (byte < 16 ? "0" : "") + String(byte, radix: 16) }.joined())
    }
}
