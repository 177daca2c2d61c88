import Foundation

/// The CloudEvents 1.0 envelope in structured JSON mode (`application/cloudevents+json`).
///
/// Extension attributes used by the platform: `traceparent` (W3C trace context). Unknown attributes
/// are ignored when decoding, so producers may add extensions without breaking consumers.
public struct CloudEvent<Payload: Codable & Sendable & Equatable>: Codable, Sendable, Equatable {
    /// The media type of a structured-mode CloudEvent.
    public static var contentType: String { "application/cloudevents+json" }

    public var specversion: String
    public var id: String
    public var source: String
    public var type: String
    public var subject: String?
    public var time: Date
    public var datacontenttype: String?
    public var traceparent: String?
    public var data: Payload

    public init(
        id: String, source: String, type: String, subject: String?, time: Date,
        traceparent: String? = nil, data: Payload
    ) {
        self.specversion = "1.0"
        self.id = id
        self.source = source
        self.type = type
        self.subject = subject
        self.time = time
        self.datacontenttype = "application/json"
        self.traceparent = traceparent
        self.data = data
    }
}

extension CloudEvent where Payload: DomainEvent {
    /// Wraps a domain event in its envelope: type, source and subject come from the event.
    public init(id: String, time: Date, traceparent: String? = nil, event: Payload) {
        self.init(
            id: id, source: Payload.producer.source, type: Payload.eventType.rawValue,
            subject: event.subject, time: time, traceparent: traceparent, data: event)
    }
}

/// The envelope's attributes without its data: what a consumer reads first to route or reject a message.
public struct CloudEventHeader: Codable, Sendable, Equatable {
    public var specversion: String
    public var id: String
    public var source: String
    public var type: String
    public var subject: String?
    public var time: Date?
    public var traceparent: String?
}
