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
