import Foundation
import GRDB

/// One recorded transition of a session or an enrolment: who, when, why.
public struct Transition: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "transition"

    public var seq: Int64?
    /// `session` or `enrolment`.
    public var aggregate: String
    public var aggregateID: String
    public var sessionID: String
    public var command: String
    public var fromState: String?
    public var toState: String
    /// The pseudonymous id of who did it; nil when the service did it by itself (a promotion, a completion).
    public var actorID: String?
    public var reason: String?
    public var occurredAt: Date

    public enum Columns {
        public static let aggregate = Column("aggregate")
        public static let aggregateID = Column("aggregateID")
        public static let seq = Column("seq")
    }
}
