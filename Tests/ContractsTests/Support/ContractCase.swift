import Contracts
import Foundation
import Testing

/// An event type with a full example envelope in which every optional field is set.
protocol ExampleEvent: DomainEvent {
    static var example: CloudEvent<Self> { get }
}

/// One event type of the catalogue with its example, its decoding and encoding, behind closures so that
/// parameterized tests can treat every type alike.
struct ContractCase: Sendable, CustomTestStringConvertible {
    let eventType: EventType
    let producer: ServiceName
    /// The canonical encoding of the full example: what the golden file must hold.
    let exampleEncoding: @Sendable () throws -> Data
    /// The same, by Foundation's `JSONEncoder` configured as `EventCoding.encoder()` (the reference form).
    let foundationEncoding: @Sendable () throws -> Data
    /// Decodes a message as this type, then re-encodes it canonically.
    let reencode: @Sendable (Data) throws -> Data
    /// Whether a message decodes to exactly the example.
    let decodesToExample: @Sendable (Data) throws -> Bool
    /// The violation decoding a message as this type raises, or nil when it decodes.
    let violation: @Sendable (Data) -> ContractViolation?

    var testDescription: String { eventType.rawValue }

    var goldenURL: URL { ContractFiles.goldenURL(for: eventType) }

    func golden() throws -> Data { try Data(contentsOf: goldenURL) }

    func schema() throws -> JSONValue { try ContractFiles.schema(for: eventType) }

    /// Every catalogued event type that has an example (see ``missingExamples``).
    static let all: [ContractCase] = EventCatalog.all.compactMap { type in
        (type as? any ExampleEvent.Type).map { make($0) }
    }

    /// The catalogued event types without an example: a test demands there are none.
    static var missingExamples: [EventType] {
        EventCatalog.all.filter { !($0 is any ExampleEvent.Type) }.map { $0.eventType }
    }

    private static func make<Event: ExampleEvent>(_ type: Event.Type) -> ContractCase {
        ContractCase(
            eventType: Event.eventType,
            producer: Event.producer,
            exampleEncoding: { try EventCoding.encode(Event.example) },
            foundationEncoding: { try EventCoding.encoder().encode(Event.example) },
            reencode: { data in try EventCoding.encode(EventCoding.decode(CloudEvent<Event>.self, from: data)) },
            decodesToExample: { data in try EventCoding.decode(CloudEvent<Event>.self, from: data) == Event.example },
            violation: { data in
                do throws(ContractViolation) {
                    _ = try EventCoding.decode(CloudEvent<Event>.self, from: data)
                    return nil
                } catch {
                    return error
                }
            })
    }
}
