import Foundation

/// A session started running: its participants follow the course's activities.
public struct SessionStarted: DomainEvent {
    public static let eventType: EventType = "enrolment.session.started.v1"
    public static let producer: ServiceName = .enrolment

    public let sessionID: String
    /// The pseudonymous id of the manager or trainer who started it; absent when it started by its calendar.
    public let actorID: String?
    public let occurredAt: Date

    public var subject: String { sessionID }

    public init(sessionID: String, actorID: String? = nil, occurredAt: Date) {
        self.sessionID = sessionID
        self.actorID = actorID
        self.occurredAt = occurredAt
    }
}
