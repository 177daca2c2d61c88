import Contracts
import Foundation
import Hummingbird
import Messaging
import NIOCore
import ServiceSupport

/// `GET /partitions` (operators): this instance's view of the partitions it owns — each partition's queue, the
/// messages waiting in it, when its last event was handled, its outbox — whether it routes the intake now, and the
/// partition map it runs with. `magistere partitions status` gathers it from every instance of a map.
struct PartitionsController: Sendable {
    let host: PartitionHost
    let transport: any MessageTransport
    let router: PartitionRouter
    let map: CurrentMap
    let instance: String?

    struct Partition: Encodable, Sendable {
        var partition: Int
        var queue: String
        /// Messages ready in the queue (nil when the broker did not answer).
        var depth: Int?
        var lastHandledAt: Date?
        /// How old the last event handled was when it was handled.
        var lagSeconds: Double?
        /// The consistency watermark: everything sent to the partition's queue before this instant is applied
        /// (the time of the last event handled; the time of the answer when no message was waiting — a window
        /// in hand, at most the prefetch, may still be committing then).
        var appliedThrough: Date?
        var outboxPending: Int
        var outboxOldestPendingSeconds: Double?
    }

    struct View: Encodable, Sendable {
        var instance: String?
        var mapVersion: Int?
        /// Whether this instance holds the router lease now (moves tracking.events to the partition queues).
        var routing: Bool
        /// Whether the consumer of the owned partitions holds their leases and is attached.
        var consuming: Bool
        /// Since when an operator has paused this instance's consumers (`POST /consumers/pause`), if so.
        var pausedSince: Date?
        var partitions: [Partition]
        /// The oldest of the owned partitions' watermarks: everything sent to this instance's partitions before it
        /// is applied.
        var appliedThrough: Date?
        /// The map's owner of every partition (absent without a map: this instance owns all).
        var owners: [String: String]?
    }

    func addRoutes(to router: some RouterMethods<ServiceRequestContext>) {
        let router = router.group().add(middleware: NoQueryParameters())
        router.get("partitions") { _, _ in JSONResponse(try await self.view()) }
        router.post("partitions/release") { request, _ in
            let asked = try await JSONBody.decode(PartitionList.self, from: request)
            return JSONResponse(try await self.refusingBadSets { try await host.release(asked.partitions) })
        }
        router.get("partitions/:partition/file") { request, context in
            let partition = try Self.partition(in: context)
            let path = PartitionNaming.file(ofPartition: partition, storePath: host.storePath) + ".released"
            guard let data = FileManager.default.contents(atPath: path) else {
                throw Problem.notFound("Released partition file", id: "\(partition)")
            }
            return Response(
                status: .ok, headers: [.contentType: "application/vnd.sqlite3"],
                body: ResponseBody(byteBuffer: ByteBuffer(data: data)))
        }
        router.put("partitions/:partition/file") { request, context in
            let partition = try Self.partition(in: context)
            guard !host.stores.owns(partition: partition) else {
                throw Problem.conflict("partition \(partition) is owned here: its file cannot be replaced")
            }
            let path = PartitionNaming.file(ofPartition: partition, storePath: host.storePath) + ".incoming"
            try await Self.write(request.body, to: path)
            let (bytes, digest) = try FileDigest.sha256(ofFile: path)
            return JSONResponse(Received(partition: partition, bytes: bytes, sha256: digest))
        }
        router.post("partitions/acquire") { request, _ in
            let asked = try await JSONBody.decode(Acquisition.self, from: request)
            var checksums: [Int: String] = [:]
            for (key, digest) in asked.sha256 {
                guard let partition = Int(key), (0..<TrackingPartitions.count).contains(partition) else {
                    throw Problem.invalid("sha256.\(key)", "not a partition number (0 to 31)")
                }
                checksums[partition] = digest
            }
            try await self.refusingBadSets { try await host.acquire(checksums) }
            return JSONResponse(try await self.view())
        }
        router.put("partitions/map") { request, _ in
            let body = try await request.body.collect(upTo: 1 << 20)
            let newer: PartitionMap
            do {
                newer = try PartitionMap.parse(Data(buffer: body), source: "the request body")
            } catch let error as PartitionSetError {
                throw Problem.invalid("", error.description)
            }
            if let instance, newer.instances[instance]?.partitions.partitions != host.stores.owned {
                throw Problem.conflict(
                    "map version \(newer.version) does not give \(instance) the partitions it owns now "
                        + "(\(host.stores.owned)): move them first")
            }
            guard map.install(newer) else {
                throw Problem.conflict(
                    "map version \(newer.version) is not newer than the one installed (\(map.value?.version ?? 0))")
            }
            return JSONResponse(try await self.view())
        }
    }

    struct PartitionList: Decodable, Sendable {
        var partitions: [Int]
    }

    struct Acquisition: Decodable, Sendable {
        /// Partition number (as text) → SHA-256 of its file, as the releasing instance reported it.
        var sha256: [String: String]
    }

    struct Received: Encodable, Sendable {
        var partition: Int
        var bytes: Int
        var sha256: String
    }

    private static func partition(in context: ServiceRequestContext) throws -> Int {
        guard let partition = Int(try context.parameters.require("partition")),
            (0..<TrackingPartitions.count).contains(partition)
        else {
            throw Problem(
                .notFound, kind: "not-found", title: "Partition not found",
                detail: "partitions are numbered 0 to \(TrackingPartitions.count - 1)")
        }
        return partition
    }

    /// Writes a request body to a file as it arrives.
    private static func write(_ body: RequestBody, to path: String) async throws {
        // A spare instance may not have opened a store yet: its data folder is created with the first file.
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(
            at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        for try await buffer in body {
            try handle.write(contentsOf: Data(buffer: buffer))
        }
    }

    /// A partition set the host refuses (not owned, owned already, a file missing or not matching) is a 409.
    private func refusingBadSets<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as PartitionSetError {
            throw Problem.conflict(error.description)
        }
    }

    func view() async throws -> View {
        var partitions: [Partition] = []
        let consumer = host.consumer
        for partition in host.stores.owned {
            let queue = host.naming.queue(ofPartition: partition)
            guard let store = try? host.stores.store(forPartition: partition) else { continue }  // released meanwhile
            let outbox = try await store.read { db in try Outbox.status(in: db) }
            let sampled = Date()
            let depth = try? await transport.depth(of: queue)
            partitions.append(
                Partition(
                    partition: partition, queue: queue, depth: depth,
                    lastHandledAt: consumer?.lastHandled(queue: queue),
                    lagSeconds: consumer?.lagSeconds(queue: queue),
                    appliedThrough: depth == 0 && consumer?.isRunning == true
                        ? sampled : consumer?.lastEventTime(queue: queue),
                    outboxPending: outbox.pending, outboxOldestPendingSeconds: outbox.oldestPendingAge))
        }
        let map = map.value
        let owners = map.map { map in
            Dictionary(
                uniqueKeysWithValues: (0..<TrackingPartitions.count).map { ("\($0)", map.owner(of: $0)?.name ?? "") })
        }
        return View(
            instance: instance, mapVersion: map?.version, routing: router.isRouting,
            consuming: consumer?.isAttached ?? false, pausedSince: host.environment.consumption.pause?.since,
            partitions: partitions,
            appliedThrough: partitions.contains { $0.appliedThrough == nil }
                ? nil : partitions.compactMap(\.appliedThrough).min(),
            owners: owners)
    }
}
