import Foundation

/// A session opened for enrolment: teachers may apply, enrol or be designated.
public struct SessionOpened: DomainEvent {
    public static let eventType: EventType = "enrolment.session.opened.v1"
    public static let producer: ServiceName = .enrolment

    public let sessionID: String
    /// The pseudonymous id of the manager who opened it; absent when it opened by its calendar.
    public let actorID: String?
    public let occurredAt: Date

    public var subject: String { sessionID }

    public init(sessionID: String, actorID: String? = nil, occurredAt: Date) {
        self.sessionID = sessionID
        self.actorID = actorID
        self.occurredAt = occurredAt
    }
}
