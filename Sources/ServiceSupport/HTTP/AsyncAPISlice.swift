import Contracts
import Foundation
import Hummingbird
import Messaging

/// The service's own slice of the event contract, as an AsyncAPI 3.0 document served at `GET /asyncapi.json`
/// beside `/openapi.json`: the events it publishes (`send`) and those it consumes (`receive`), each with its
/// routing key on the domain exchange and the JSON Schema of the whole CloudEvent.
///
/// It is built from the code (the event catalogue and the service's consumers), so it cannot drift from what
/// the service does; docs/asyncapi.yaml is the whole platform's document, checked against the same catalogue.
public struct AsyncAPISlice: Sendable {
    public let data: Data

    /// - Parameters:
    ///   - consumed: the event types the service's consumers are bound to.
    ///   - exchange: the domain exchange the routing keys are on.
    public init(service: ServiceName, consumed: [EventType], exchange: String) {
        let published = EventCatalog.published(by: service).map { $0.eventType }
        var channels: [String: Any] = [:]
        var operations: [String: Any] = [:]
        var messages: [String: Any] = [:]
        for (action, types) in [("send", published), ("receive", consumed)] {
            for type in Set(types).sorted(by: { $0.rawValue < $1.rawValue }) {
                let name = type.rawValue
                var message: [String: Any] = [
                    "name": name, "contentType": "application/cloudevents+json",
                    "summary": "\(name), published by \(EventCatalog.type(for: type)?.producer.rawValue ?? "?")",
                ]
                if let schema = EventSchemas.schema(for: type).flatMap({ try? JSONSerialization.jsonObject(with: $0) })
                {
                    message["payload"] = schema
                }
                messages[name] = message
                channels[name] = [
                    "address": name,
                    "messages": [name: ["$ref": "#/components/messages/\(name)"]],
                    "bindings": [
                        "amqp": [
                            "is": "routingKey", "bindingVersion": "0.3.0",
                            "exchange": ["name": exchange, "type": "topic", "durable": true, "autoDelete": false],
                        ]
                    ],
                ]
                operations["\(action).\(name)"] = [
                    "action": action, "channel": ["$ref": "#/channels/\(name)"],
                    "messages": [["$ref": "#/channels/\(name)/messages/\(name)"]],
                ]
            }
        }
        let document: [String: Any] = [
            "asyncapi": "3.0.0",
            "info": [
                "title": "M@gistère \(service.rawValue) events", "version": "1",
                "description":
                    "What the \(service.rawValue) service publishes and consumes on the topic exchange \(exchange) "
                    + "(routing key = event type). Every message is a structured-mode CloudEvent; deliveries are "
                    + "at-least-once: deduplicate on the event id.",
            ],
            "defaultContentType": "application/cloudevents+json",
            "channels": channels, "operations": operations, "components": ["messages": messages],
        ]
        // Plain dictionaries, arrays, strings and booleans: always JSON.
        data =
            (try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .withoutEscapingSlashes]))
            ?? Data("{}".utf8)
    }

    /// `GET /asyncapi.json`, open to anyone; it takes no query parameter.
    func addRoute<Context: RequestContext>(to router: Router<Context>) {
        OpenAPIDocument.serve(data, at: "asyncapi.json", on: router)
    }
}
