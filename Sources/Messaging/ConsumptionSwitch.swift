import Foundation
import Synchronization

/// An operator's pause of a service instance's event consumers (`POST /consumers/pause`), shared by every
/// ``EventConsumer`` the instance runs, those it starts later included (tracking restarts its partitions' consumer
/// when partitions move).
///
/// A paused consumer settles the deliveries it holds, detaches from its queues (their leases given back) and waits:
/// the broker keeps what arrives, the queue's depth and the consumer's lag grow, the watermark on the reads stays
/// where it was, and the HTTP API keeps answering. Resumed, it attaches again and catches up. A pause lives in the
/// process: a restart consumes again (a pause is for minutes of investigation, not a configuration).
public final class ConsumptionSwitch: Sendable {
    /// Why and since when consumption is paused.
    public struct Pause: Sendable, Equatable {
        public var since: Date
        public var reason: String
        /// Who paused (the operator token's subject).
        public var by: String
    }

    private struct State {
        var pause: Pause?
        /// Consumers waiting for a change: whether each waits for a pause (true) or a resume (false).
        var waiters: [UInt64: (forPause: Bool, continuation: CheckedContinuation<Void, Never>)] = [:]
        var nextWaiter: UInt64 = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// The pause in force, nil while consuming.
    public var pause: Pause? { state.withLock { $0.pause } }

    public var isPaused: Bool { pause != nil }

    /// Pauses (a pause in force is kept as it was: its time and reason). Returns the pause in force.
    @discardableResult
    public func pause(reason: String, by: String) -> Pause {
        let (pause, woken) = state.withLock { state in
            if let pause = state.pause { return (pause, [CheckedContinuation<Void, Never>]()) }
            let pause = Pause(since: Date(), reason: reason, by: by)
            state.pause = pause
            return (pause, Self.take(forPause: true, from: &state))
        }
        for waiter in woken { waiter.resume() }
        return pause
    }

    /// Resumes. Returns the pause that ended (nil: none was in force).
    @discardableResult
    public func resume() -> Pause? {
        let (ended, woken) = state.withLock { state in
            defer { state.pause = nil }
            return (state.pause, state.pause == nil ? [] : Self.take(forPause: false, from: &state))
        }
        for waiter in woken { waiter.resume() }
        return ended
    }

    /// Returns once consumption is paused (`true`) or not (`false`) — at once when it is already — or when the task
    /// is cancelled.
    func wait(untilPaused paused: Bool) async {
        let id = state.withLock { state in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now = state.withLock { state -> Bool in
                    guard (state.pause != nil) != paused, !Task.isCancelled else { return true }
                    state.waiters[id] = (paused, continuation)
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.continuation.resume()
        }
    }

    private static func take(forPause: Bool, from state: inout State) -> [CheckedContinuation<Void, Never>] {
        let ids = state.waiters.filter { $0.value.forPause == forPause }.keys
        return ids.compactMap { state.waiters.removeValue(forKey: $0)?.continuation }
    }
}
