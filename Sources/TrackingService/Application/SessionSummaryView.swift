import Foundation

/// A session at a glance: how many participants, how many completed, the average progress.
public struct SessionSummaryView: Codable, Sendable, Equatable {
    public var sessionID: String
    /// Participants tracked (approved, not withdrawn).
    public var participants: Int
    public var withdrawn: Int
    public var completed: Int
    /// The mean percentage of required activities done over tracked participants (0 when there are none).
    public var averagePercentRequiredDone: Double

    init(progress: SessionProgressView) {
        let tracked = progress.participants.filter { $0.status == "approved" }
        sessionID = progress.sessionID
        participants = tracked.count
        withdrawn = progress.participants.count - tracked.count
        completed = tracked.filter(\.completed).count
        let total = tracked.reduce(0) { $0 + $1.percentRequiredDone }
        averagePercentRequiredDone =
            tracked.isEmpty ? 0 : (Double(total) / Double(tracked.count) * 10).rounded() / 10
    }
}
