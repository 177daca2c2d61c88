import Foundation
import GRDB
import Logging
import Metrics
import ServiceLifecycle
import Synchronization

/// Publishes a store's outbox to the bus, in order, marking rows only after the bus confirmed them.
///
/// It takes a batch (a window of up to `batchSize` unconfirmed publishes), publishes it with
/// confirms, marks it, and goes on; on failure it backs off and tries the same rows again (a
/// message may then be published twice, which consumers' inboxes absorb; none is skipped).
/// On graceful shutdown it makes a last attempt to drain, bounded by `drainTimeout`.
///
/// A message the bus confirms but no queue receives (nobody subscribes to its type) must not block
/// the outbox: its row is marked published and `unroutable`, counted in
/// `magistere_outbox_unroutable_total{type}` and logged.
///
/// Published outbox rows and inbox rows older than `retention` are pruned every `pruneInterval`,
/// beside publishing and whatever the traffic (a busy outbox is never empty, so pruning cannot wait
/// for it to be), in transactions of at most `pruneBatchSize` rows so that a prune never holds the
/// store's write lock for long.
///
/// Its metrics go to `metrics` (the process's bootstrapped factory by default; tests pass their own).
public final class OutboxRelay: Service, Sendable {
    private let database: any DatabaseWriter
    private let transport: any MessageTransport
    private let batchSize: Int
    private let pollInterval: Duration
    private let drainTimeout: Duration
    private let retention: TimeInterval
    private let pruneInterval: Duration
    private let pruneBatchSize: Int
    private let service: String
    private let metrics: any MetricsFactory
    private let logger: Logger
    private let nudged = Atomic<Bool>(false)
    private let published: Counter
    private let failures: Counter
    private let pendingGauge: Gauge
    private let lagGauge: Gauge

    public init(
        database: any DatabaseWriter, transport: any MessageTransport, service: String, batchSize: Int = 500,
        pollInterval: Duration = .milliseconds(50), drainTimeout: Duration = .seconds(5),
        retention: TimeInterval = 7 * 24 * 3600, pruneInterval: Duration = .seconds(3600), pruneBatchSize: Int = 1_000,
        metrics: any MetricsFactory = MetricsSystem.factory, logger: Logger
    ) {
        precondition(pruneBatchSize > 0)
        self.database = database
        self.transport = transport
        self.batchSize = batchSize
        self.pollInterval = pollInterval
        self.drainTimeout = drainTimeout
        self.retention = retention
        self.pruneInterval = pruneInterval
        self.pruneBatchSize = pruneBatchSize
        self.service = service
        self.metrics = metrics
        self.logger = logger
        let dimensions = [("service", service)]
        self.published = Counter(label: "magistere_outbox_published_total", dimensions: dimensions, factory: metrics)
        self.failures = Counter(
            label: "magistere_outbox_publish_failures_total", dimensions: dimensions, factory: metrics)
        self.pendingGauge = Gauge(label: "magistere_outbox_pending", dimensions: dimensions, factory: metrics)
        self.lagGauge = Gauge(
            label: "magistere_outbox_oldest_pending_seconds", dimensions: dimensions, factory: metrics)
    }

    /// Asks the relay to look at the outbox now rather than at its next poll.
    public func nudge() { nudged.store(true, ordering: .relaxed) }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask { await self.pruneOnTimer() }
                await self.loop()
                group.cancelAll()
            }
        }
        await drain()
    }

    private func loop() async {
        var backoff = Duration.milliseconds(100)
        var lastStatus = ContinuousClock.now - .seconds(10)
        while !Task.isCancelled {
            if ContinuousClock.now - lastStatus > .seconds(1) {
                lastStatus = ContinuousClock.now
                await self.recordLag()
            }
            do {
                let count = try await self.publishBatch()
                backoff = .milliseconds(100)
                if count == 0 {
                    await self.idle()
                }
            } catch is CancellationError {
                break
            } catch {
                self.failures.increment()
                self.logger.warning("outbox publish failed, will retry", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(5))
            }
        }
    }

    /// Publishes one batch; returns how many messages it confirmed.
    @discardableResult
    public func publishBatch() async throws -> Int {
        let limit = batchSize
        let batch = try await database.read { db in try Outbox.pending(limit: limit, in: db) }
        guard let last = batch.last else { return 0 }
        let receipt: PublishReceipt
        do {
            receipt = try await transport.publish(batch.map(\.message))
        } catch {
            let text = "\(error)"
            try? await database.write { db in try Outbox.recordFailure(seq: batch[0].seq, error: text, in: db) }
            throw error
        }
        let unroutable = receipt.unroutable.filter { batch.indices.contains($0) }.map { batch[$0] }
        try await database.write { db in
            try Outbox.markPublished(upTo: last.seq, at: Date(), in: db)
            try Outbox.markUnroutable(seqs: unroutable.map(\.seq), in: db)
        }
        for (_, message) in unroutable {
            // Not an outbox failure (retrying cannot help): a fact nobody listens to, yet. Visible, so
            // that a subscriber whose binding is missing or misspelt is noticed.
            Counter(
                label: "magistere_outbox_unroutable_total", dimensions: [("service", service), ("type", message.type)],
                factory: metrics
            ).increment()
            logger.warning(
                "event published but no queue receives it (nobody subscribes to its type)",
                metadata: ["event.id": "\(message.id)", "event.type": "\(message.type)"])
        }
        published.increment(by: batch.count - unroutable.count)
        return batch.count
    }

    /// Publishes the outbox lag as gauges (at most once a second).
    private func recordLag() async {
        guard let status = try? await database.read({ db in try Outbox.status(in: db) }) else { return }
        pendingGauge.record(status.pending)
        lagGauge.record(status.oldestPendingAge ?? 0)
    }

    private func idle() async {
        let deadline = ContinuousClock.now + pollInterval
        while ContinuousClock.now < deadline, !Task.isCancelled {
            if nudged.exchange(false, ordering: .relaxed) { return }
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Prunes now, then every `pruneInterval`, until cancelled; a failed prune is tried at the next tick.
    private func pruneOnTimer() async {
        while !Task.isCancelled {
            do {
                try await prune()
            } catch is CancellationError {
                return
            } catch {
                logger.warning("outbox and inbox pruning failed, will try again", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: pruneInterval)
        }
    }

    /// Deletes published outbox rows and inbox rows older than the retention, in bounded transactions.
    ///
    /// Returns how many rows of each it deleted.
    @discardableResult
    public func prune(now: Date = Date()) async throws -> (outbox: Int, inbox: Int) {
        let cutoff = now.addingTimeInterval(-retention)
        let limit = pruneBatchSize
        var outbox = 0
        var inbox = 0
        while true {
            try Task.checkCancellation()
            let deleted = try await database.write { db in
                try Outbox.prunePublished(before: cutoff, limit: limit, in: db)
            }
            outbox += deleted
            if deleted < limit { break }
        }
        while true {
            try Task.checkCancellation()
            let deleted = try await database.write { db in try Inbox.prune(before: cutoff, limit: limit, in: db) }
            inbox += deleted
            if deleted < limit { break }
        }
        if outbox + inbox > 0 {
            logger.debug(
                "pruned outbox and inbox", metadata: ["outbox.pruned": "\(outbox)", "inbox.pruned": "\(inbox)"])
        }
        return (outbox, inbox)
    }

    /// A last bounded attempt to publish what is pending, at shutdown.
    private func drain() async {
        let deadline = ContinuousClock.now + drainTimeout
        while ContinuousClock.now < deadline {
            do {
                // A task of its own, awaited: the service's task may already be cancelled at shutdown,
                // and the last flush must not be cut short by that (it is bounded by the deadline).
                if try await Task(operation: { try await self.publishBatch() }).value == 0 { return }
            } catch {
                logger.info("outbox not drained at shutdown; it resumes at next start", metadata: ["error": "\(error)"])
                return
            }
        }
    }
}
