import Foundation

/// A session closed: it is over, and enrolments still in progress no longer progress.
public struct SessionClosed: DomainEvent {
    public static let eventType: EventType = "enrolment.session.closed.v1"
    public static let producer: ServiceName = .enrolment

    public let sessionID: String
    /// The pseudonymous id of the manager who closed it; absent when it closed by its calendar.
    public let actorID: String?
    public let occurredAt: Date

    public var subject: String { sessionID }

    public init(sessionID: String, actorID: String? = nil, occurredAt: Date) {
        self.sessionID = sessionID
        self.actorID = actorID
        self.occurredAt = occurredAt
    }
}
