import Contracts
import Foundation
import GRDB
import Logging
import Messaging
import ServiceSupport
import Synchronization

/// Subscribers' replays of tracking's completion events (issue 17): "send again to my queue the
/// `tracking.course.completed.v1` of academy X since T" — rebuilt from tracking's durable records (the completions
/// and their revocations, never pruned), with their ORIGINAL ids and times, so that a subscriber's inbox drops what
/// it already had.
///
/// Completions live in 32 partition files spread over the tracking instances. A replay lives in its home partition
/// (chosen among the partitions of the instance that accepted it; its other readers are redirected there); each
/// partition's share is a part, sent to every partition's queue and recorded by its owner, whose ``ReplayWorker``
/// sends the part's events to the subscriber's queue at a bounded rate (live traffic first), then tells the home
/// partition (through its queue) that the part is done. A part moves with its partition file.
struct Replays: ReplayService {
    let stores: TrackingStores
    let transport: any MessageTransport
    let naming: PartitionNaming
    let now: @Sendable () -> Date
    let logger: Logger

    /// The event types tracking replays.
    static let replayable: [EventType] = [CourseCompleted.eventType, CourseCompletionRevoked.eventType]
    /// Requests of each subscriber being admitted on this instance now.
    let admitting = Admitting()

    final class Admitting: Sendable {
        private let counts = Mutex<[String: Int]>([:])
        func withLock<T>(_ body: (inout [String: Int]) -> T) -> T { counts.withLock { body(&$0) } }
    }

    /// What a part carries to its partition's owner (a copy of the request, resolved).
    struct Part: Codable, Sendable, Equatable {
        var replayID: String
        var subscriber: String
        var eventType: String
        var academy: String?
        var since: Date
        var until: Date
        var queue: String
        var home: Int

        var scope: ReplayScope {
            ReplayScope(
                subscriber: subscriber, eventType: eventType, academy: academy, since: since, until: until,
                queue: queue)
        }
    }

    // MARK: - Requests

    /// Checks and starts a replay: its record in a home partition of this instance, a part to each partition's
    /// queue. Answers what `GET /replays/{id}` answers.
    func request(_ request: ReplayRequest, by caller: Caller) async throws -> ReplayView {
        let now = Timestamp.truncated(self.now())
        let scope = try ReplayRules.check(
            request, by: caller, replayable: Self.replayable, service: "tracking", now: now)
        // Requests being admitted count before their record exists, so that concurrent ones cannot all pass.
        let reserved = admitting.withLock { counts in
            counts[caller.subject, default: 0] += 1
            return counts[caller.subject]!
        }
        defer { admitting.withLock { $0[caller.subject, default: 1] -= 1 } }
        var running = 0
        let stale = now.addingTimeInterval(-ReplayRules.staleAfter).storedValue
        for store in stores.all {
            running += try await store.read { db in
                try Int.fetchOne(
                    db,
                    sql: "SELECT COUNT(*) FROM replay WHERE subscriber = ? AND state = 'running' AND requested_at > ?",
                    arguments: [caller.subject, stale]) ?? 0
            }
        }
        guard running + reserved <= ReplayRules.maximumRunning else { throw ReplayRules.tooManyRunning(running) }
        // The replay's id places it: one of this instance's partitions is its home.
        let owned = Set(stores.owned)
        guard !owned.isEmpty else { throw TrackingError.ownsNoPartition }
        var candidate = UUID().uuidString.lowercased()
        while !owned.contains(Self.home(of: candidate)) { candidate = UUID().uuidString.lowercased() }
        let replayID = candidate
        let home = Self.home(of: replayID)
        let part = Part(
            replayID: replayID, subscriber: scope.subscriber, eventType: scope.eventType, academy: scope.academy,
            since: scope.since, until: scope.until, queue: scope.queue, home: home)
        let text = String(decoding: try EventCoding.encode(part), as: UTF8.self)
        try await stores.store(forPartition: home).write { db in
            try db.execute(
                sql: """
                    INSERT INTO replay (replay_id, subscriber, request, requested_at, state, parts_total)
                    VALUES (?, ?, ?, ?, 'running', ?)
                    """, arguments: [replayID, caller.subject, text, now.storedValue, TrackingPartitions.count])
        }
        let messages = try (0..<TrackingPartitions.count).map { partition in
            (
                queue: naming.queue(ofPartition: partition),
                message: try Message.event(
                    ReplayPartRequested(part: part, partition: partition), id: "\(replayID)-part-\(partition)",
                    time: now)
            )
        }
        // Parts have fixed ids and are recorded once: sending them again after a partial failure is harmless.
        var attempt = 0
        while true {
            do {
                try await transport.send(messages)
                break
            } catch {
                attempt += 1
                guard attempt < 4 else {
                    try await finish(replayID, home: home, failure: "the parts could not be sent: \(error)")
                    throw TrackingError.busUnavailable(
                        "the replay's parts could not all be sent to the partitions (replay \(replayID), failed): ask again"
                    )
                }
                try await Task.sleep(for: .milliseconds(200 * attempt))
            }
        }
        logger.info("replay requested", metadata: scope.logMetadata(replayID: replayID))
        return try await view(replayID, for: caller)
    }

    /// The home partition of a replay.
    static func home(of replayID: String) -> Int { TrackingPartitions.partition(ofSession: "replay:" + replayID) }

    /// A replay as its subscriber (or an operator) follows it; from its home partition (another instance's: a
    /// redirect).
    func view(_ replayID: String, for caller: Caller) async throws -> ReplayView {
        let found = try await stores.store(forPartition: Self.home(of: replayID)).read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM replay WHERE replay_id = ?", arguments: [replayID]).map {
                (subscriber: $0["subscriber"] as String, view: try ReplayView(row: $0))
            }
        }
        guard let found, caller.roles.contains(.operator) || found.subscriber == caller.subject else {
            throw TrackingError.notFound(what: "Replay", id: replayID)
        }
        return found.view
    }

    // MARK: - Parts

    /// A part reached its partition's queue: recorded in the partition's file for the worker (once).
    func partRequested(_ envelope: CloudEvent<ReplayPartRequested>) async throws {
        let event = envelope.data
        let text = String(decoding: try EventCoding.encode(event.part), as: UTF8.self)
        try await stores.store(forPartition: event.partition).write { db in
            guard try Inbox.claim(envelope.id, consumer: naming.intakeQueue, in: db) else { return }
            try db.execute(
                sql: """
                    INSERT OR IGNORE INTO replay_part (replay_id, partition, request, state)
                    VALUES (?, ?, ?, 'pending')
                    """, arguments: [event.part.replayID, event.partition, text])
        }
    }

    /// A part is done (or failed): counted in the replay's home record (once), finished with the last.
    func partFinished(_ envelope: CloudEvent<ReplayPartFinished>) async throws {
        let event = envelope.data
        try await stores.store(forPartition: Self.home(of: event.replayID)).write { db in
            guard try Inbox.claim(envelope.id, consumer: naming.intakeQueue, in: db) else { return }
            try Self.count(event, at: Timestamp.truncated(now()), db)
        }
    }

    static func count(_ event: ReplayPartFinished, at time: Date, _ db: Database) throws {
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT failures, parts_done, parts_total, state FROM replay WHERE replay_id = ?",
                arguments: [event.replayID])
        else { return }
        var failures = try JSONDecoder().decode([String].self, from: Data((row["failures"] as String).utf8))
        if let failure = event.failure { failures.append("partition \(event.partition): \(failure)") }
        let done: Int = row["parts_done"] + 1
        let total: Int = row["parts_total"]
        // A replay that failed when its parts could not all be sent stays failed, whatever its sent parts report.
        let state =
            row["state"] as String != "running"
            ? row["state"] as String : done < total ? "running" : failures.isEmpty ? "done" : "failed"
        try db.execute(
            sql: """
                UPDATE replay SET parts_done = ?, events_sent = events_sent + ?, failures = ?, state = ?,
                    finished_at = CASE WHEN ? = 'running' THEN NULL ELSE COALESCE(finished_at, ?) END
                WHERE replay_id = ?
                """,
            arguments: [
                done, event.sent, String(decoding: try JSONEncoder().encode(failures), as: UTF8.self), state, state,
                time.storedValue, event.replayID,
            ])
    }

    private func finish(_ replayID: String, home: Int, failure: String) async throws {
        try await stores.store(forPartition: home).write { db in
            try db.execute(
                sql: "UPDATE replay SET state = 'failed', failures = ?, finished_at = ? WHERE replay_id = ?",
                arguments: [
                    String(decoding: try JSONEncoder().encode([failure]), as: UTF8.self),
                    Timestamp.truncated(now()).storedValue, replayID,
                ])
        }
    }
}

extension ReplayView {
    /// A replay's home record (`replay` table of its home partition's file).
    init(row: Row) throws {
        let part = try EventCoding.decode(Replays.Part.self, from: Data((row["request"] as String).utf8))
        self.init(
            id: row["replay_id"], state: row["state"], scope: part.scope, requestedAt: row["requested_at"],
            partitionsDone: row["parts_done"], partitions: row["parts_total"], eventsSent: row["events_sent"],
            failures: try JSONDecoder().decode([String].self, from: Data((row["failures"] as String).utf8)),
            finishedAt: row["finished_at"])
    }
}

/// A partition's share of a replay, sent straight to the partition's queue (internal to tracking, accepted only
/// from tracking's own broker user).
struct ReplayPartRequested: DomainEvent {
    static let eventType: EventType = "tracking.replay.part-requested.v1"
    static let producer: ServiceName = .tracking

    var part: Replays.Part
    var partition: Int

    var subject: String { part.replayID }
}

/// A partition's share of a replay is sent (or could not be): sent straight to the home partition's queue.
struct ReplayPartFinished: DomainEvent {
    static let eventType: EventType = "tracking.replay.part-finished.v1"
    static let producer: ServiceName = .tracking

    var replayID: String
    var partition: Int
    var sent: Int
    var failure: String?

    var subject: String { replayID }
}
