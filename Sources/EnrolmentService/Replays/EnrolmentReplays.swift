import Contracts
import Foundation
import GRDB
import Logging
import Messaging
import ServiceLifecycle
import ServiceSupport

/// Subscribers' replays of enrolment's completions and their revocations (issue 17): "send again to my queue the
/// enrolments completed in academy X since T" — rebuilt from the transitions (the enrolments' history, never pruned)
/// and the trainings a correction took out of a record, with their ORIGINAL ids and times, so that a subscriber's
/// inbox drops what it already had.
///
/// Only events whose id the records determine can be replayed: a completion's id is `enrolment-completed-<id>`, then
/// `-2`, `-3`… for the completions after a correction revoked one (numbered by the transitions); a revocation's is
/// `enrolment-completion-revoked-<id>-<revision>`. The other enrolment events have random ids that only the outbox
/// kept, and the outbox is pruned.
///
/// One store holds everything: a replay is one part, sent by ``run()`` chunk by chunk at a bounded rate
/// (``ReplayRules/eventsPerSecond``), the running replays taking turns, each one's cursor (the last transition sent)
/// saved after each chunk the broker confirmed — a chunk in flight when the process stops may be sent twice, which
/// the original ids make harmless.
struct EnrolmentReplays: ReplayService, Service {
    let store: EnrolmentStore
    let transport: any MessageTransport
    let logger: Logger
    var eventsPerSecond = ReplayRules.eventsPerSecond
    var chunk = 100

    /// The event types enrolment replays.
    static let replayable: [EventType] = [EnrolmentCompleted.eventType, EnrolmentCompletionRevoked.eventType]

    // MARK: - Requests

    /// Checks and records a replay (the worker sends it). Answers what `GET /replays/{id}` answers.
    func request(_ request: ReplayRequest, by caller: Caller) async throws -> ReplayView {
        let now = store.timestamp
        let scope = try ReplayRules.check(
            request, by: caller, replayable: Self.replayable, service: "enrolment", now: now)
        let replayID = UUID().uuidString.lowercased()
        let text = String(decoding: try EventCoding.encode(scope), as: UTF8.self)
        let stale = now.addingTimeInterval(-ReplayRules.staleAfter).storedValue
        // One writer: counting and recording in one write, two requests cannot both take the last place.
        let running = try await store.write { db -> Int? in
            let running =
                try Int.fetchOne(
                    db,
                    sql: "SELECT COUNT(*) FROM replay WHERE subscriber = ? AND state = 'running' AND requested_at > ?",
                    arguments: [scope.subscriber, stale]) ?? 0
            guard running < ReplayRules.maximumRunning else { return running }
            try db.execute(
                sql: """
                    INSERT INTO replay (replay_id, subscriber, request, requested_at, state)
                    VALUES (?, ?, ?, ?, 'running')
                    """, arguments: [replayID, scope.subscriber, text, now.storedValue])
            return nil
        }
        if let running { throw ReplayRules.tooManyRunning(running) }
        logger.info("replay requested", metadata: scope.logMetadata(replayID: replayID))
        return try await view(replayID, for: caller)
    }

    func view(_ replayID: String, for caller: Caller) async throws -> ReplayView {
        let found = try await store.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM replay WHERE replay_id = ?", arguments: [replayID]).map { row in
                (subscriber: row["subscriber"] as String, view: try Self.view(of: row))
            }
        }
        guard let found, caller.roles.contains(.operator) || found.subscriber == caller.subject else {
            throw EnrolmentFailure.notFound(what: "Replay", id: replayID)
        }
        return found.view
    }

    private static func view(of row: Row) throws -> ReplayView {
        let state: String = row["state"]
        let failure: String? = row["failure"]
        return ReplayView(
            id: row["replay_id"], state: state,
            scope: try EventCoding.decode(ReplayScope.self, from: Data((row["request"] as String).utf8)),
            requestedAt: row["requested_at"], partitionsDone: state == "running" ? 0 : 1, partitions: 1,
            eventsSent: row["events_sent"], failures: state == "failed" ? [failure ?? "failed"] : [],
            finishedAt: row["finished_at"])
    }

    // MARK: - Sending

    func run() async throws {
        try await ReplayRules.pace(eventsPerSecond: eventsPerSecond) { await self.runOnce() }
    }

    private struct Running: Sendable {
        var replayID: String
        var scope: ReplayScope
        var cursor: Int64
        var attempts: Int
    }

    /// Sends one chunk of the running replay whose turn it is (the one that waited longest since its last chunk);
    /// returns the events sent.
    @discardableResult
    func runOnce(now: Date = Date()) async -> Int {
        let running: Running?
        do {
            running = try await store.read { db -> Running? in
                try Row.fetchOne(
                    db,
                    sql: """
                        SELECT replay_id, request, cursor_seq, attempts FROM replay
                        WHERE state = 'running' AND (next_attempt_at IS NULL OR next_attempt_at <= ?)
                        ORDER BY stepped_at, requested_at, replay_id LIMIT 1
                        """, arguments: [now.storedValue]
                ).map { row in
                    Running(
                        replayID: row["replay_id"],
                        scope: try EventCoding.decode(ReplayScope.self, from: Data((row["request"] as String).utf8)),
                        cursor: row["cursor_seq"], attempts: row["attempts"])
                }
            }
        } catch {
            logger.warning("replays could not be read, will retry", metadata: ["error": "\(error)"])
            return 0
        }
        guard let running else { return 0 }
        do {
            return try await step(running, now: now)
        } catch {
            // Whatever failed (the queue refused the chunk, the records could not be read), the replay waits its
            // turn with a growing pause, and fails after ReplayRules.maximumAttempts: it never holds the others back.
            let attempts = running.attempts + 1
            let failed = attempts >= ReplayRules.maximumAttempts
            logger.warning(
                "replay could not be sent",
                metadata: ["replay.id": "\(running.replayID)", "attempt": "\(attempts)", "error": "\(error)"])
            let failure = "\(error)"
            let next = now.addingTimeInterval(ReplayRules.retryDelay(afterAttempt: attempts))
            try? await store.write { db in
                try db.execute(
                    sql: """
                        UPDATE replay SET attempts = ?, failure = ?, state = ?, next_attempt_at = ?, stepped_at = ?,
                            finished_at = ?
                        WHERE replay_id = ?
                        """,
                    arguments: [
                        attempts, failure, failed ? "failed" : "running", next.storedValue, now.storedValue,
                        (failed ? Timestamp.truncated(now) : nil).storedValue, running.replayID,
                    ])
            }
            return 0
        }
    }

    private func step(_ running: Running, now: Date) async throws -> Int {
        let chunk = chunk
        let batch = try await store.read { db in try Self.events(of: running, limit: chunk, db) }
        if !batch.messages.isEmpty {
            do {
                try await transport.send(batch.messages.map { (queue: running.scope.queue, message: $0) })
            } catch {
                throw TransportError("the queue \(running.scope.queue) did not take the events: \(error)")
            }
        }
        let finished = batch.rows < chunk
        try await store.write { db in
            try db.execute(
                sql: """
                    UPDATE replay SET cursor_seq = ?, events_sent = events_sent + ?, attempts = 0, failure = NULL,
                        next_attempt_at = NULL, stepped_at = ?, state = ?, finished_at = ?
                    WHERE replay_id = ?
                    """,
                arguments: [
                    batch.last ?? running.cursor, batch.messages.count, now.storedValue,
                    finished ? "done" : "running", (finished ? Timestamp.truncated(now) : nil).storedValue,
                    running.replayID,
                ])
        }
        if finished {
            logger.info("replay finished", metadata: ["replay.id": "\(running.replayID)"])
        }
        return batch.messages.count
    }

    /// A chunk: the messages built, how many transitions were read, and the last one read (the next cursor).
    private struct Chunk: Sendable {
        var messages: [Message] = []
        var rows = 0
        var last: Int64?
    }

    /// The replay's next events after its cursor, in the order they were recorded, rebuilt with their original ids
    /// and times: a completion from its `complete` transition, numbered like ``EnrolmentStore/announce``'s; a
    /// revocation from its `revokeCompletion` transition and the training it took out of the record (the k-th
    /// revocation of an enrolment took out its k-th revoked revision).
    private static func events(of running: Running, limit: Int, _ db: Database) throws -> Chunk {
        let scope = running.scope
        let revocations = scope.eventType == EnrolmentCompletionRevoked.eventType.rawValue
        let command = revocations ? EnrolmentCommand.revokeCompletion : .complete
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT t.seq, t.aggregateID, t.sessionID, t.actorID, t.reason, t.occurredAt, e.participantID,
                    (SELECT COUNT(*) FROM transition p
                     WHERE p.aggregate = 'enrolment' AND p.aggregateID = t.aggregateID AND p.command = t.command
                       AND p.seq <= t.seq) AS nth
                FROM transition t
                JOIN session s ON s.id = t.sessionID
                JOIN enrolment e ON e.id = t.aggregateID
                WHERE t.command = ? AND t.seq > ? AND t.aggregate = 'enrolment'
                  AND t.occurredAt >= ? AND t.occurredAt < ? AND (? IS NULL OR s.academy = ?)
                ORDER BY t.seq LIMIT ?
                """,
            arguments: [
                command.rawValue, running.cursor, scope.since.storedValue, scope.until.storedValue, scope.academy,
                scope.academy, limit,
            ])
        var chunk = Chunk(rows: rows.count, last: rows.last.map { $0["seq"] as Int64 })
        for row in rows {
            let enrolmentID: String = row["aggregateID"]
            let nth: Int = row["nth"]
            let occurredAt = Timestamp.truncated(row["occurredAt"] as Date)
            var message: Message
            if revocations {
                guard
                    let revoked = try Row.fetchOne(
                        db,
                        sql: """
                            SELECT revision, cause, record FROM revokedTraining WHERE enrolmentID = ?
                            ORDER BY revision LIMIT 1 OFFSET ?
                            """, arguments: [enrolmentID, nth - 1])
                else { continue }  // a revocation that took nothing out of a record: nothing to rebuild it from
                let revision: Int = revoked["revision"]
                let training = try EventCoding.decode(
                    CompletedTraining.self, from: Data((revoked["record"] as String).utf8))
                message = try Message.event(
                    EnrolmentCompletionRevoked(
                        enrolmentID: enrolmentID, sessionID: row["sessionID"], participantID: row["participantID"],
                        cause: revoked["cause"], revision: revision, distanceMinutes: training.distanceMinutes,
                        inPersonMinutes: training.inPersonMinutes, occurredAt: occurredAt),
                    id: EnrolmentCompletionRevoked.eventID(enrolmentID: enrolmentID, revision: revision),
                    time: occurredAt)
            } else {
                message = try Message.event(
                    EnrolmentCompleted(
                        enrolmentID: enrolmentID, sessionID: row["sessionID"], participantID: row["participantID"],
                        actorID: row["actorID"], reason: row["reason"], occurredAt: occurredAt),
                    id: EnrolmentCompleted.eventID(enrolmentID: enrolmentID, completion: nth), time: occurredAt)
            }
            message.headers[MessageHeader.replay] = running.replayID
            chunk.messages.append(message)
        }
        return chunk
    }
}

extension EnrolmentCompleted {
    /// The id of the `completion`th completion of an enrolment (1: its first): `enrolment-completed-<id>`, then
    /// `-2`, `-3`… — deterministic, so that a completion is announced once and replayed under the same id.
    static func eventID(enrolmentID: String, completion: Int) -> String {
        completion <= 1 ? "enrolment-completed-\(enrolmentID)" : "enrolment-completed-\(enrolmentID)-\(completion)"
    }
}

extension EnrolmentCompletionRevoked {
    /// The id of the revocation of an enrolment's completion `revision`: one announcement per revision revoked.
    static func eventID(enrolmentID: String, revision: Int) -> String {
        "enrolment-completion-revoked-\(enrolmentID)-\(revision)"
    }
}
