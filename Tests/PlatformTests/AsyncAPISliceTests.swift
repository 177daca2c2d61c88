import Contracts
import Foundation
import Hummingbird
import HummingbirdTesting
import Messaging
import ServiceSupport
import Testing

/// Each service serves its own slice of the event contract at `GET /asyncapi.json`: what it publishes and what it
/// consumes, built from the code, with the routing key and the schema of each event.
@Suite("Each service's AsyncAPI slice")
struct AsyncAPISliceTests {
    @Test("publishes are the service's own event types, receives are its consumer's bindings, each with its schema")
    func slices() async throws {
        var consumedByAnyone: Set<String> = []
        for service in try await AccessCoverageTests.services() {
            let document = try await Application(router: service.router(registry: nil)).test(.router) { client in
                let response = try await client.execute(uri: "/asyncapi.json", method: .get)
                #expect(response.status == .ok)
                return try #require(
                    try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
            }
            #expect(document["asyncapi"] as? String == "3.0.0")
            let operations = try #require(document["operations"] as? [String: [String: Any]])
            func names(_ action: String) -> Set<String> {
                Set(
                    operations.values.filter { $0["action"] as? String == action }.compactMap { operation in
                        ((operation["channel"] as? [String: String])?["$ref"])?.replacingOccurrences(
                            of: "#/channels/", with: "")
                    })
            }
            // Publishes: exactly the catalogue's types of this producer
            #expect(names("send") == Set(EventCatalog.published(by: service.name).map { $0.eventType.rawValue }))
            // Receives: exactly what its subscribers are bound to (none for the catalogue; tracking's router)
            let bindings = Set(service.background.compactMap { $0 as? any EventSubscriber }.flatMap(\.boundEventTypes))
            #expect(names("receive") == bindings)
            consumedByAnyone.formUnion(bindings)
            // Every message carries the bundled schema of its type, on the topic exchange, keyed by its type
            let channels = try #require(document["channels"] as? [String: [String: Any]])
            let messages = try #require(
                (document["components"] as? [String: Any])?["messages"] as? [String: [String: Any]])
            for name in names("send").union(names("receive")) {
                let payload = try #require(messages[name]?["payload"] as? [String: Any], "\(name) has no schema")
                let schema = try #require(EventSchemas.schema(for: EventType(name)))
                #expect(
                    NSDictionary(dictionary: payload)
                        == (try JSONSerialization.jsonObject(with: schema) as? NSDictionary))
                let amqp = try #require((channels[name]?["bindings"] as? [String: Any])?["amqp"] as? [String: Any])
                #expect((amqp["exchange"] as? [String: Any])?["name"] as? String == "magistere.events")
                #expect(channels[name]?["address"] as? String == name)
            }
        }
        #expect(consumedByAnyone.contains("tracking.course.completed.v1"), "enrolment consumes completions")
        #expect(
            consumedByAnyone.contains(CoursePublished.eventType.rawValue),
            "tracking consumes course versions (its router's intake is bound to them)")
    }
}
