import Foundation

/// The JSON Schemas (draft 2020-12) of the events, one per event type, bundled with the module so that
/// services can serve them to other systems.
///
/// Each schema describes the whole CloudEvent (envelope and `data`) as it travels on the bus.
public enum EventSchemas {
    /// The media type to serve a schema with.
    public static let mediaType = "application/schema+json"

    /// The file name of the schema of an event type, e.g. `tracking.course.completed.v1.schema.json`.
    public static func fileName(for eventType: EventType) -> String {
        "\(eventType.rawValue).schema.json"
    }

    /// Where the bundled schema of an event type is, or nil when there is none.
    public static func url(for eventType: EventType) -> URL? {
        Bundle.module.url(
            forResource: "\(eventType.rawValue).schema", withExtension: "json", subdirectory: "Schemas")
    }

    /// The schema document of an event type, or nil when there is none.
    public static func schema(for eventType: EventType) -> Data? {
        guard let url = url(for: eventType) else { return nil }
        return try? Data(contentsOf: url)
    }
}
