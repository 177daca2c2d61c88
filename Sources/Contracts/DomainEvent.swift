import Foundation

/// An integration event of the platform: an immutable, past-tense fact with a versioned type name.
///
/// Every event travels inside a ``CloudEvent`` envelope whose `type` is ``eventType`` (also the AMQP
/// routing key) and whose `source` must be ``producer``: consumers park an event whose source is not
/// the service allowed to publish that type.
public protocol DomainEvent: Codable, Sendable, Equatable {
    /// The versioned type name, e.g. `tracking.course.completed.v1`; also the routing key.
    static var eventType: EventType { get }
    /// The only service allowed to publish this type.
    static var producer: ServiceName { get }
    /// The id of the aggregate the event is about (CloudEvents `subject`).
    var subject: String { get }
}

/// The services of the platform, as they appear in CloudEvents `source` and AMQP `app_id`.
public enum ServiceName: String, Codable, Sendable, CaseIterable {
    case catalog
    case enrolment
    case tracking

    /// The CloudEvents `source` URI reference of this service.
    public var source: String { "/magistere/\(rawValue)" }

    /// The service whose `source` this is, if any.
    public init?(source: String) {
        guard let name = ServiceName.allCases.first(where: { $0.source == source }) else { return nil }
        self = name
    }
}

/// A versioned event type name: `<service>.<aggregate>.<fact>.v<version>`.
public struct EventType: Hashable, Sendable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let rawValue: String

    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { rawValue }

    /// The version number (`3` for `….v3`), or nil when the name carries none.
    public var version: Int? {
        guard let last = rawValue.split(separator: ".").last, last.first == "v" else { return nil }
        return Int(last.dropFirst())
    }

    /// The name without its version suffix, e.g. `tracking.course.completed`.
    public var family: String {
        guard version != nil, let dot = rawValue.lastIndex(of: ".") else { return rawValue }
        return String(rawValue[..<dot])
    }
}
