import Foundation
import Synchronization

/// A dedicated OS thread that owns one rabbitmq-c connection and runs jobs on it.
///
/// Blocking C calls happen here, never on Swift's cooperative pool. Callers submit closures and
/// await their result; while idle the thread keeps the connection alive (heartbeats). After a
/// failure the connection is dropped and opened again on the next job, with backoff.
final class AMQPWorker: Sendable {
    private struct Job: Sendable {
        let run: @Sendable (AMQPSession) throws -> Void
        let fail: @Sendable (any Error) -> Void
    }

    private struct State {
        var jobs: [Job] = []
        var stopped = false
    }

    private let endpoint: AMQPEndpoint
    private let heartbeat: Int32
    private let name: String
    private let state = Mutex(State())
    private let wakeUp = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let onConnect: @Sendable (AMQPSession) throws -> Void

    /// `onConnect` runs on every new connection before any job (e.g. to declare the exchange).
    init(
        endpoint: AMQPEndpoint, heartbeatSeconds: Int32 = 30, name: String,
        onConnect: @escaping @Sendable (AMQPSession) throws -> Void = { _ in }
    ) {
        self.onConnect = onConnect
        self.endpoint = endpoint
        self.heartbeat = heartbeatSeconds
        self.name = name
        let thread = Thread { [self] in self.loop() }
        thread.name = name
        thread.start()
    }

    /// Runs `body` on the connection's thread, connecting first if needed.
    func run<T: Sendable>(_ body: @escaping @Sendable (AMQPSession) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let job = Job(
                run: { session in continuation.resume(returning: try body(session)) },
                fail: { continuation.resume(throwing: $0) })
            let accepted = state.withLock { state -> Bool in
                guard !state.stopped else { return false }
                state.jobs.append(job)
                return true
            }
            if accepted {
                wakeUp.signal()
            } else {
                continuation.resume(throwing: TransportError("the AMQP connection \(name) is closed"))
            }
        }
    }

    /// Stops the thread after the jobs already queued; closes the connection.
    func stop() {
        let first = state.withLock { state -> Bool in
            defer { state.stopped = true }
            return !state.stopped
        }
        guard first else { return }
        wakeUp.signal()
        finished.wait()
    }

    private func loop() {
        var session: AMQPSession?
        var nextConnectAttempt = ContinuousClock.now
        var backoff = Duration.milliseconds(100)
        while true {
            let (job, stopped) = state.withLock { state -> (Job?, Bool) in
                state.jobs.isEmpty ? (nil, state.stopped) : (state.jobs.removeFirst(), false)
            }
            if stopped { break }
            guard let job else {
                _ = wakeUp.wait(timeout: .now() + .milliseconds(500))
                if let current = session {
                    do { try current.idle(for: 1000) } catch {
                        current.abandon()
                        session = nil
                    }
                }
                continue
            }
            do {
                if session == nil {
                    let wait = nextConnectAttempt - ContinuousClock.now
                    if wait > .zero { Thread.sleep(forTimeInterval: wait.seconds) }
                    do {
                        let fresh = try AMQPSession.connect(endpoint, heartbeatSeconds: heartbeat, confirms: true)
                        try onConnect(fresh)
                        session = fresh
                        backoff = .milliseconds(100)
                    } catch {
                        nextConnectAttempt = ContinuousClock.now + backoff
                        backoff = min(backoff * 2, .seconds(5))
                        throw error
                    }
                }
                try job.run(session!)
            } catch {
                if let current = session, !(error is RecoverableJobError) {
                    current.abandon()
                    session = nil
                }
                job.fail(error)
            }
        }
        let pending = state.withLock { state -> [Job] in
            defer { state.jobs = [] }
            return state.jobs
        }
        pending.forEach { $0.fail(TransportError("the AMQP connection \(name) is closed")) }
        session = nil
        finished.signal()
    }
}

/// A job failure that leaves the connection usable (e.g. a validation error before any I/O).
struct RecoverableJobError: Error, CustomStringConvertible {
    var description: String
}

extension Duration {
    /// The duration in seconds, as a `TimeInterval`.
    var seconds: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
