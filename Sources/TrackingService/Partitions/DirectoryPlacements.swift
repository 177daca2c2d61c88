import Contracts
import Foundation
import GRDB
import Messaging

/// The placements of one router window, for the partitions that do not own their sessions: each partition keeps
/// the whole enrolment directory, and one message per partition per window costs the broker and the consumers far
/// less than one per placement per partition (32 per approval; see BENCHMARKS.md, "Tracking scaled out"). The
/// session's own partition receives the placement event itself. Internal to tracking: sent by the router straight
/// to partition queues, accepted only from tracking's own broker user; built only from placements whose publisher
/// the router verified.
struct DirectoryPlacements: DomainEvent {
    static let eventType: EventType = "tracking.directory.placements.v1"
    static let producer: ServiceName = .tracking

    struct Entry: Codable, Sendable, Equatable {
        var enrolmentID: String
        var sessionID: String
        var participantID: String
    }

    var entries: [Entry]

    var subject: String { entries.first?.enrolmentID ?? "" }

    /// Records every entry in a partition's directory, in one transaction (an enrolment placed already keeps its
    /// first session: applying a batch again changes nothing).
    static func apply(_ placements: DirectoryPlacements, in store: PartitionStore) async throws {
        try await store.write { db in
            for entry in placements.entries {
                try DirectoryRow(
                    enrolmentID: entry.enrolmentID, sessionID: entry.sessionID, participantID: entry.participantID
                )
                .insert(db)
            }
        }
    }
}
