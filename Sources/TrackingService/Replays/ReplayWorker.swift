import Contracts
import Foundation
import GRDB
import Logging
import Messaging
import ServiceLifecycle
import ServiceSupport
import Synchronization

/// Sends the parts of subscribers' replays that this instance's partitions hold, chunk by chunk, at a bounded rate
/// (``eventsPerSecond``, shared by all parts on the instance): live traffic keeps the broker and the stores.
///
/// A part's events are its partition's completions (or revocations) recorded in the replay's period, in the order
/// they were recorded, each with its original id and time; the cursor (last time and id sent) is saved after each
/// chunk the broker confirmed, so a part taken over after a crash or a partition move resumes where it was — a chunk
/// in flight may be sent twice, which the original ids make harmless. A part whose queue keeps refusing is retried
/// with a growing pause (the broker may be restarting) and fails after ``ReplayRules/maximumAttempts`` (about two
/// minutes); a failed part is announced to its home like a finished one, until the announcement goes through.
struct ReplayWorker: Service {
    let stores: TrackingStores
    let transport: any MessageTransport
    let naming: PartitionNaming
    let logger: Logger
    var eventsPerSecond = ReplayRules.eventsPerSecond
    var chunk = 100

    /// When each retried part may be tried again (in memory: a restarted instance retries at once).
    let notBefore = NotBefore()

    final class NotBefore: Sendable {
        private let times = Mutex<[String: Date]>([:])
        func get(_ key: String) -> Date? { times.withLock { $0[key] } }
        func set(_ key: String, _ time: Date?) { times.withLock { $0[key] = time } }
    }

    func run() async throws {
        try await ReplayRules.pace(eventsPerSecond: eventsPerSecond) { await self.runOnce() }
    }

    /// Sends one chunk of the first unfinished part of each owned partition file; returns the events sent.
    @discardableResult
    func runOnce() async -> Int {
        var sent = 0
        for store in stores.all {
            do {
                sent += try await step(store)
            } catch {
                logger.warning("replay step failed, will retry", metadata: ["error": "\(error)"])
            }
        }
        return sent
    }

    private struct PendingPart {
        var part: Replays.Part
        var partition: Int
        var state: String
        var cursorTime: Date?
        var cursorID: String?
        var sent: Int
        var attempts: Int
        var failure: String?
    }

    private func step(_ store: PartitionStore) async throws -> Int {
        let owned = Set(stores.owned)
        let now = Date()
        let notBefore = notBefore
        let pending = try await store.read { db -> PendingPart? in
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM replay_part WHERE state IN ('pending', 'sent', 'failing')
                    ORDER BY replay_id, partition LIMIT 64
                    """)
            where owned.contains(row["partition"])
                && (notBefore.get("\(row["replay_id"] as String)/\(row["partition"] as Int)") ?? .distantPast) <= now
            {
                return PendingPart(
                    part: try EventCoding.decode(Replays.Part.self, from: Data((row["request"] as String).utf8)),
                    partition: row["partition"], state: row["state"], cursorTime: row["cursor_time"],
                    cursorID: row["cursor_id"], sent: row["sent"], attempts: row["attempts"], failure: row["failure"])
            }
            return nil
        }
        guard let pending else { return 0 }
        let key = "\(pending.part.replayID)/\(pending.partition)"
        if pending.state == "sent" || pending.state == "failing" {
            do {
                try await announce(pending, failure: pending.state == "failing" ? pending.failure : nil, in: store)
            } catch {
                notBefore.set(key, Date().addingTimeInterval(5))  // the broker is away: try again later
            }
            return 0
        }
        let chunk = chunk
        let batch = try await store.read { db in try Self.events(of: pending, limit: chunk, db) }
        if !batch.messages.isEmpty {
            do {
                try await transport.send(batch.messages.map { (queue: pending.part.queue, message: $0) })
                notBefore.set(key, nil)
            } catch {
                let attempts = pending.attempts + 1
                let failure = "the queue \(pending.part.queue) did not take the events: \(error)"
                logger.warning(
                    "replay part could not be sent",
                    metadata: [
                        "replay.id": "\(pending.part.replayID)", "partition": "\(pending.partition)",
                        "attempt": "\(attempts)", "error": "\(error)",
                    ])
                // 1, 2, 4 … 64 s between attempts: a broker restart is waited out; a missing queue fails the part.
                notBefore.set(key, Date().addingTimeInterval(ReplayRules.retryDelay(afterAttempt: attempts)))
                try await store.write { db in
                    try db.execute(
                        sql: """
                            UPDATE replay_part SET attempts = ?, failure = ?, state = ?
                            WHERE replay_id = ? AND partition = ?
                            """,
                        arguments: [
                            attempts, failure, attempts >= ReplayRules.maximumAttempts ? "failing" : "pending",
                            pending.part.replayID, pending.partition,
                        ])
                }
                return 0
            }
        }
        let last = batch.last
        let finished = batch.rows < chunk
        try await store.write { db in
            try db.execute(
                sql: """
                    UPDATE replay_part SET cursor_time = COALESCE(?, cursor_time), cursor_id = COALESCE(?, cursor_id),
                        sent = sent + ?, attempts = 0, failure = NULL, state = ?
                    WHERE replay_id = ? AND partition = ?
                    """,
                arguments: [
                    last?.time.storedValue ?? .null, last?.id, batch.messages.count, finished ? "sent" : "pending",
                    pending.part.replayID, pending.partition,
                ])
        }
        if finished {
            var done = pending
            done.sent += batch.messages.count
            try await announce(done, failure: nil, in: store)
        }
        return batch.messages.count
    }

    /// Tells the replay's home partition that this part is finished, then marks it done.
    private func announce(_ pending: PendingPart, failure: String?, in store: PartitionStore) async throws {
        let finished = ReplayPartFinished(
            replayID: pending.part.replayID, partition: pending.partition, sent: pending.sent, failure: failure)
        try await transport.send([
            (
                queue: naming.queue(ofPartition: pending.part.home),
                message: try Message.event(
                    finished, id: "\(pending.part.replayID)-finished-\(pending.partition)", time: Date())
            )
        ])
        try await store.write { db in
            try db.execute(
                sql: "UPDATE replay_part SET state = ? WHERE replay_id = ? AND partition = ?",
                arguments: [
                    failure == nil ? "done" : "failed", pending.part.replayID, pending.partition,
                ])
        }
        logger.info(
            "replay part finished",
            metadata: [
                "replay.id": "\(pending.part.replayID)", "partition": "\(pending.partition)",
                "sent": "\(pending.sent)", "failure": "\(failure ?? "none")",
            ])
    }

    /// A chunk: the messages built, how many rows were read (a row whose enrolment is unknown builds none), and the
    /// key of the last row read (the next cursor).
    struct Chunk: Sendable {
        var messages: [Message] = []
        var rows = 0
        var last: (time: Date, id: String)?
    }

    /// The part's next events after its cursor, rebuilt from the completions (or their revocations) with their
    /// original ids and times.
    private static func events(of pending: PendingPart, limit: Int, _ db: Database) throws -> Chunk {
        let part = pending.part
        let revoked = part.eventType == CourseCompletionRevoked.eventType.rawValue
        let (time, id) = revoked ? ("c.revoked_at", "c.revocation_event_id") : ("c.recorded_at", "c.event_id")
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT \(CompletionRow.columns(of: "c")), c.recorded_at, c.revocation_event_id
                FROM course_completion c JOIN session s ON s.session_id = c.session_id
                WHERE \(time) IS NOT NULL AND \(time) >= ? AND \(time) < ? AND (? IS NULL OR s.academy = ?)
                  AND (\(time), \(id)) > (?, ?)
                ORDER BY \(time), \(id) LIMIT ?
                """,
            arguments: [
                part.since.storedValue, part.until.storedValue, part.academy, part.academy,
                (pending.cursorTime ?? Date.distantPast).storedValue, pending.cursorID ?? "", limit,
            ])
        var sessions: [String: SessionRow] = [:]
        var chunk = Chunk(rows: rows.count)
        for row in rows {
            let completion = try CompletionRow(row: row)
            chunk.last =
                revoked
                ? (row["revoked_at"], row["revocation_event_id"]) : (row["recorded_at"], completion.eventID)
            guard
                let session = try sessions[completion.sessionID]
                    ?? SessionRow.fetch(completion.sessionID, db),
                let enrolment = try EnrolmentRow.fetch(completion.sessionID, completion.enrolmentID, db)
            else { continue }
            sessions[completion.sessionID] = session
            let schoolLevel = enrolment.schoolLevel ?? session.schoolLevel
            var message: Message
            if revoked, let revokedAt = completion.revokedAt, let cause = completion.revocationCause {
                message = try Message.event(
                    CourseCompletionRevoked(
                        enrolmentID: completion.enrolmentID, participantID: enrolment.participantID,
                        sessionID: completion.sessionID, course: session.course, academy: session.academy,
                        schoolLevel: schoolLevel, revision: completion.revision, completionEventID: completion.eventID,
                        distanceMinutes: completion.distanceMinutes, inPersonMinutes: completion.inPersonMinutes,
                        cause: cause, revokedAt: Timestamp.truncated(revokedAt), ruleVersion: completion.ruleVersion),
                    id: row["revocation_event_id"], time: revokedAt)
            } else {
                message = try Message.event(
                    CourseCompleted(
                        enrolmentID: completion.enrolmentID, participantID: enrolment.participantID,
                        sessionID: completion.sessionID, course: session.course, academy: session.academy,
                        schoolLevel: schoolLevel, completedAt: Timestamp.truncated(completion.completedAt),
                        distanceMinutes: completion.distanceMinutes, inPersonMinutes: completion.inPersonMinutes,
                        criteriaMet: completion.criteriaMet, ruleVersion: completion.ruleVersion,
                        revision: completion.revision, rulesRevision: completion.rulesRevision),
                    id: completion.eventID, time: row["recorded_at"])
            }
            message.headers[MessageHeader.replay] = part.replayID
            chunk.messages.append(message)
        }
        return chunk
    }
}
