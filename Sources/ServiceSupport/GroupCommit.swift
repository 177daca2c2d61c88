import Foundation
import GRDB
import Messaging
import Synchronization

/// One writer per store that commits many concurrent requests' writes in one SQLite transaction.
///
/// SQLite commits one transaction at a time, and a commit costs a WAL append and (at `synchronous=NORMAL`)
/// a checkpoint now and then, whatever it holds: a request per transaction spends most of its time in
/// commits and in hand-offs to GRDB's writer queue. Here concurrent writers queue their bodies; one of
/// them (the leader) runs a batch of up to ``maximumBatch`` bodies in one transaction, each in a savepoint
/// of its own, commits once, and answers every writer of the batch. So:
///
/// - a write answered with success is durable (its batch committed) — the same promise as one transaction
///   per request, none weakened;
/// - a body that throws is rolled back alone (its savepoint), and its writer gets the error; the others of
///   the batch commit;
/// - a failed commit fails every writer of the batch: none of them was stored;
/// - bodies of one batch run in arrival order, each seeing the ones before it (so a replayed idempotency
///   key in the same batch is found).
///
/// No background task: the first writer to find nobody leading leads; after its own write is answered it
/// hands the lead to the oldest waiting writer, so no request drains others' work for long.
public final class GroupCommit: Sendable {
    /// The most bodies one transaction holds.
    public let maximumBatch: Int
    private let writer: any DatabaseWriter
    private let state = Mutex(State())
    private let transactions = Atomic<Int>(0)

    /// Transactions committed or attempted so far (each holding one batch).
    public var transactionCount: Int { transactions.load(ordering: .relaxed) }

    private struct State {
        var pending: [any PendingWrite] = []
        var leading = false
    }

    public init(_ writer: any DatabaseWriter, maximumBatch: Int = 256) {
        precondition(maximumBatch >= 1)
        self.writer = writer
        self.maximumBatch = maximumBatch
    }

    /// Runs `body` in a savepoint of a shared write transaction; returns once that transaction committed.
    public func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        // The body runs on the leader's thread: it keeps its own caller's trace context.
        let item = Write(TraceContext.carried(body))
        let leads = state.withLock { state -> Bool in
            state.pending.append(item)
            guard !state.leading else { return false }
            state.leading = true
            return true
        }
        if leads {
            await lead(until: item)
        } else if await item.waitForTurn() == .lead {
            await lead(until: item)
        }
        return try item.result()
    }

    /// Commits batches until `own` is answered, then passes the lead on (or gives it up when nobody waits).
    private func lead(until own: Write<some Sendable>) async {
        while !own.isAnswered {
            let batch = state.withLock { state -> [any PendingWrite] in
                let batch = Array(state.pending.prefix(maximumBatch))
                state.pending.removeFirst(batch.count)
                return batch
            }
            guard !batch.isEmpty else { break }
            transactions.add(1, ordering: .relaxed)
            do {
                try await writer.write { db in
                    for item in batch { item.run(in: db) }
                }
                for item in batch { item.committed() }
            } catch {
                for item in batch { item.failed(error) }
            }
        }
        let next = state.withLock { state -> (any PendingWrite)? in
            guard let first = state.pending.first else {
                state.leading = false
                return nil
            }
            return first
        }
        next?.takeTheLead()
    }
}

/// What the leader needs of a queued write, whatever its result type.
private protocol PendingWrite: AnyObject, Sendable {
    /// Runs the body in a savepoint of the leader's transaction, keeping its outcome.
    func run(in db: Database)
    /// The transaction committed: the writer gets its body's outcome.
    func committed()
    /// The transaction failed: nothing of it was stored.
    func failed(_ error: any Error)
    /// The writer becomes the leader.
    func takeTheLead()
}

private final class Write<T: Sendable>: PendingWrite, @unchecked Sendable {
    enum Turn { case answered, lead }

    private let body: @Sendable (Database) throws -> T
    /// Written by the leader's writer thread in `run`, read after the transaction (ordered by the lock below).
    private var outcome: Result<T, any Error>?
    private let signal = Mutex<(answer: Result<T, any Error>?, lead: Bool, waiter: CheckedContinuation<Turn, Never>?)>(
        (nil, false, nil))

    init(_ body: @escaping @Sendable (Database) throws -> T) { self.body = body }

    func run(in db: Database) {
        do {
            var value: T?
            try db.inSavepoint {
                value = try body(db)
                return .commit
            }
            outcome = .success(value!)
        } catch {
            outcome = .failure(error)
        }
    }

    func committed() { answer(outcome ?? .failure(GroupCommitError.notRun)) }

    func failed(_ error: any Error) { answer(.failure(error)) }

    func takeTheLead() {
        let waiter = signal.withLock { state -> CheckedContinuation<Turn, Never>? in
            state.lead = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: .lead)
    }

    var isAnswered: Bool { signal.withLock { $0.answer != nil } }

    /// Suspends until the write is answered or its writer must lead.
    func waitForTurn() async -> Turn {
        await withCheckedContinuation { continuation in
            let ready = signal.withLock { state -> Turn? in
                if state.answer != nil { return .answered }
                if state.lead {
                    state.lead = false
                    return .lead
                }
                state.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    func result() throws -> T {
        guard let answer = signal.withLock({ $0.answer }) else { throw GroupCommitError.notRun }
        return try answer.get()
    }

    private func answer(_ result: Result<T, any Error>) {
        let waiter = signal.withLock { state -> CheckedContinuation<Turn, Never>? in
            state.answer = result
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: .answered)
    }
}

/// A write the group commit could not run (never expected: a leader answers every write it takes).
public enum GroupCommitError: Error {
    case notRun
}
