import Foundation

/// The filters of an xAPI `GET /statements` query, as stored columns understand them.
struct StatementQuery: Sendable, Equatable {
    var agentKey: String?
    var verbID: String?
    var activityID: String?
    var registration: String?
    /// Stored strictly after, in epoch milliseconds.
    var sinceMs: Int64?
    /// Stored at or before, in epoch milliseconds.
    var untilMs: Int64?
    var limit: Int
    var ascending: Bool
    /// Continue after this (stored ms, statement id) position (the `more` link's `from`).
    var after: Position?

    /// A place in the stored order.
    struct Position: Sendable, Equatable {
        var storedMs: Int64
        var statementID: String

        var token: String { "\(storedMs)_\(statementID)" }

        init(storedMs: Int64, statementID: String) {
            self.storedMs = storedMs
            self.statementID = statementID
        }

        init?(token: String) {
            let parts = token.split(separator: "_", maxSplits: 1)
            guard parts.count == 2, let ms = Int64(parts[0]) else { return nil }
            self.init(storedMs: ms, statementID: String(parts[1]))
        }
    }

    /// The most statements one page returns (also the page size when `limit` is 0).
    static let maximumLimit = 500
}
