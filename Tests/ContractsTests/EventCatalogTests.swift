import Contracts
import Foundation
import Testing

@Suite("The event catalogue, its golden files and its schemas list the same event types")
struct EventCatalogTests {
    let catalogued = Set(EventCatalog.all.map { $0.eventType.rawValue })

    @Test("each event type is listed once, with a version, under its producer's name")
    func typesAreWellFormed() {
        #expect(catalogued.count == EventCatalog.all.count, "an event type is listed twice")
        for type in EventCatalog.all {
            #expect(type.eventType.version == 1, "\(type.eventType) carries no .v1 version")
            #expect(
                type.eventType.rawValue.hasPrefix("\(type.producer.rawValue)."),
                "\(type.eventType) is not named after its producer \(type.producer)")
            #expect(type.eventType.rawValue.split(separator: ".").count == 4, "\(type.eventType)")
        }
    }

    @Test("every event type has a golden file, and every golden file an event type")
    func goldenFilesMatchTheCatalogue() throws {
        let goldenTypes = try ContractFiles.fileNames(in: ContractFiles.goldenDirectory)
            .map { String($0.dropLast(".json".count)) }
        #expect(Set(goldenTypes) == catalogued)
    }

    @Test("every event type has a schema, and every schema an event type")
    func schemasMatchTheCatalogue() throws {
        let schemaTypes = try ContractFiles.fileNames(in: ContractFiles.schemaDirectory)
            .map { String($0.dropLast(".schema.json".count)) }
        #expect(Set(schemaTypes) == catalogued)
    }

    @Test("the module serves the schema of every event type from its bundle")
    func bundledSchemas() throws {
        for type in EventCatalog.all {
            let served = try #require(
                EventSchemas.schema(for: type.eventType), "no bundled schema for \(type.eventType)")
            #expect(served == (try Data(contentsOf: ContractFiles.schemaURL(for: type.eventType))))
        }
        #expect(EventSchemas.schema(for: "catalog.course.published.v9") == nil)
    }

    @Test("a routing key finds its Swift type; an unknown version finds none")
    func lookUpByName() {
        let completed = EventCatalog.type(named: "tracking.course.completed.v1").map(ObjectIdentifier.init)
        #expect(completed == ObjectIdentifier(CourseCompleted.self))
        let approved = EventCatalog.type(for: EnrolmentApproved.eventType).map(ObjectIdentifier.init)
        #expect(approved == ObjectIdentifier(EnrolmentApproved.self))
        #expect(EventCatalog.type(named: "tracking.course.completed.v2") == nil)
        #expect(
            EventCatalog.published(by: .tracking).map { $0.eventType } == [
                ActivityCompleted.eventType, CourseCompleted.eventType, CourseCompletionRevoked.eventType,
            ])
    }

    @Test("each example's envelope comes from the event's producer, about the event's aggregate")
    func envelopesFollowTheEvent() throws {
        for contract in ContractCase.all {
            let golden = try JSONValue.parse(contract.golden())
            #expect(golden["type"]?.stringValue == contract.eventType.rawValue)
            #expect(golden["source"]?.stringValue == contract.producer.source)
            #expect(golden["subject"]?.stringValue?.isEmpty == false)
        }
    }
}
