import Contracts
import Foundation
import Testing

@Suite("The AsyncAPI document describes exactly the events of the catalogue")
struct AsyncAPITests {
    let document: YAMLNode
    let catalogued: [String: ServiceName] = Dictionary(
        uniqueKeysWithValues: EventCatalog.all.map { ($0.eventType.rawValue, $0.producer) })

    init() throws {
        document = try YAMLSubsetReader.parse(String(contentsOf: ContractFiles.asyncAPIDocument, encoding: .utf8))
    }

    @Test("it is an AsyncAPI 3.0 document for an AMQP 0-9-1 broker")
    func header() {
        #expect(document["asyncapi"]?.scalar == "3.0.0")
        #expect(document["defaultContentType"]?.scalar == CloudEvent<CourseArchived>.contentType)
        let server = document["servers"]?.entries.first?.value
        #expect(server?["protocol"]?.scalar == "amqp")
        #expect(server?["protocolVersion"]?.scalar == "0-9-1")
    }

    @Test("there is one channel per event type, addressed by its routing key on the durable topic exchange")
    func channels() throws {
        let channels = try #require(document["channels"])
        #expect(Set(channels.entries.map(\.key)) == Set(catalogued.keys))
        for (type, channel) in channels.entries {
            #expect(channel["address"]?.scalar == type)
            let bindings = try #require(channel["bindings"]?["$ref"]?.scalar.flatMap(document.resolve)?["amqp"])
            #expect(bindings["is"]?.scalar == "routingKey", "\(type)")
            #expect(bindings["exchange"]?["name"]?.scalar == "magistere.events", "\(type)")
            #expect(bindings["exchange"]?["type"]?.scalar == "topic", "\(type)")
            #expect(bindings["exchange"]?["durable"]?.scalar == "true", "\(type)")
        }
    }

    @Test("each event type's message is a CloudEvent whose payload is its schema file")
    func messages() throws {
        for (type, channel) in try #require(document["channels"]).entries {
            let messages = try #require(channel["messages"]).entries
            #expect(messages.count == 1, "\(type)")
            let reference = try #require(messages.first?.value["$ref"]?.scalar, "\(type)")
            let message = try #require(document.resolve(reference), "\(type): \(reference)")
            #expect(message["contentType"]?.scalar == "application/cloudevents+json", "\(type)")
            #expect(message["bindings"]?["amqp"]?["messageType"]?.scalar == type)
            #expect(message["payload"]?["schemaFormat"]?.scalar == "application/schema+json;version=draft-2020-12")
            #expect(
                message["payload"]?["schema"]?["$ref"]?.scalar
                    == "../Sources/Contracts/Schemas/\(EventSchemas.fileName(for: EventType(type)))")
        }
    }

    @Test("each event type has one send operation, declared by its producer")
    func operations() throws {
        let operations = try #require(document["operations"]).entries
        var sent: [String] = []
        for (name, operation) in operations {
            #expect(operation["action"]?.scalar == "send", "\(name)")
            let channel = try #require(operation["channel"]?["$ref"]?.scalar, "\(name)")
            #expect(channel.hasPrefix("#/channels/") && document.resolve(channel) != nil, "\(name): \(channel)")
            let type = String(channel.dropFirst("#/channels/".count))
            sent.append(type)
            #expect(operation["x-producer"]?.scalar == catalogued[type]?.rawValue, "\(name) sends \(type)")
            #expect(name.hasPrefix(catalogued[type]?.rawValue ?? "?"), "\(name) is not named after its producer")
            let messages = operation["messages"]?.items ?? []
            #expect(messages.count == 1, "\(name)")
            let message = messages.first?["$ref"]?.scalar ?? ""
            #expect(
                message.hasPrefix("\(channel)/messages/") && document.resolve(message) != nil, "\(name): \(message)")
        }
        #expect(sent.sorted() == catalogued.keys.sorted())
    }

    @Test("every reference in the document points to something that exists")
    func references() {
        let documentDirectory = ContractFiles.asyncAPIDocument.deletingLastPathComponent()
        for reference in document.references {
            if reference.hasPrefix("#") {
                #expect(document.resolve(reference) != nil, "dangling reference \(reference)")
            } else {
                let file = documentDirectory.appending(path: reference).standardizedFileURL
                #expect(FileManager.default.fileExists(atPath: file.path()), "missing file \(reference)")
            }
        }
        #expect(document.references.count >= 4 * catalogued.count)
    }

    @Test("the reader refuses YAML outside its subset instead of misreading it")
    func readerIsStrict() throws {
        #expect(throws: YAMLError.self) { try YAMLSubsetReader.parse("channels: {a: b}") }
        #expect(throws: YAMLError.self) { try YAMLSubsetReader.parse("a: &anchor b") }
        #expect(throws: YAMLError.self) { try YAMLSubsetReader.parse("a:\n  b: c\n    d: e") }
        #expect(throws: YAMLError.self) { try YAMLSubsetReader.parse("a: b\na: c") }
        let node = try YAMLSubsetReader.parse("a:\n  - $ref: '#/b'\n    x: 'it''s'\nb: |\n  one\n  two\n")
        #expect(node["a"]?.items.first?["$ref"]?.scalar == "#/b")
        #expect(node["a"]?.items.first?["x"]?.scalar == "it's")
        #expect(node["b"]?.scalar == "one\ntwo")
    }
}
