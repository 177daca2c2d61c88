import Foundation
import Testing

/// Polls `condition` until it holds or `timeout` passes; returns whether it held.
public func eventually(
    timeout: Duration = .seconds(20), every interval: Duration = .milliseconds(20),
    _ condition: () async throws -> Bool
) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: interval)
    }
    return try await condition()
}

/// Expects `condition` to hold within `timeout`, recording an issue at the caller's line otherwise.
public func expectEventually(
    _ comment: Comment? = nil, timeout: Duration = .seconds(20), sourceLocation: SourceLocation = #_sourceLocation,
    _ condition: () async throws -> Bool
) async throws {
    if try await !eventually(timeout: timeout, condition) {
        Issue.record(comment ?? "condition did not hold within \(timeout)", sourceLocation: sourceLocation)
    }
}

/// Runs blocking work (opening SQLite files, running migrations) on a thread of its own, not on one of the two
/// threads of the cooperative pool: a fixture opening tracking's 32 partition files there held the pool for seconds,
/// and tests running beside it that wait for deliveries timed out.
public func offThePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
    }
}
