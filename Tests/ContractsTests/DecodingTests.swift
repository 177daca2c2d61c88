import Contracts
import Foundation
import Testing

@Suite("Decoding is strict on required fields and tolerant of unknown ones")
struct DecodingTests {
    func contract(_ type: any DomainEvent.Type) throws -> ContractCase {
        try #require(ContractCase.all.first { $0.eventType == type.eventType })
    }

    @Test("an approval without its participant is rejected with a violation naming data.participantID")
    func missingParticipant() throws {
        // Given an approval whose participant id was lost
        let contract = try contract(EnrolmentApproved.self)
        let message = try JSONValue.parse(contract.golden())
            .removing(JSONPath([.key("data"), .key("participantID")])).encoded()
        // When it is decoded
        let violation = try #require(contract.violation(message))
        // Then the violation names the field
        #expect(violation.field == "data.participantID")
        #expect(violation.problem == "required field is missing")
        #expect(violation.description == "data.participantID: required field is missing")
    }

    @Test("a missing field deep in a published course is named by its full path")
    func missingNestedField() throws {
        let contract = try contract(CoursePublished.self)
        let message = try JSONValue.parse(contract.golden())
            .removing(JSONPath([.key("data"), .key("activities"), .index(3), .key("modality")])).encoded()
        #expect(contract.violation(message)?.field == "data.activities[3].modality")
    }

    @Test("a field of the wrong type or an unknown enum case is named too")
    func wrongValues() throws {
        let session = try contract(SessionScheduled.self)
        let golden = try JSONValue.parse(session.golden())
        let textCapacity = try golden.setting(.string("24"), at: JSONPath([.key("data"), .key("capacity")])).encoded()
        #expect(session.violation(textCapacity)?.field == "data.capacity")
        let unknownMode = try golden.setting(.string("lottery"), at: JSONPath([.key("data"), .key("mode")])).encoded()
        #expect(session.violation(unknownMode)?.field == "data.mode")
        let badDate = try golden.setting(
            .string("6 octobre 2025"), at: JSONPath([.key("data"), .key("calendar"), .key("startsAt")])
        ).encoded()
        #expect(session.violation(badDate)?.field == "data.calendar.startsAt")
    }

    @Test("unknown fields, in the envelope and at every depth of data, are ignored", arguments: ContractCase.all)
    func unknownFieldsAreIgnored(_ contract: ContractCase) throws {
        // Given the golden message with an extra field in every object, as a newer producer might send
        let message = try Self.addingUnknownFields(to: JSONValue.parse(contract.golden())).encoded()
        // Then it still decodes to the same event
        #expect(contract.violation(message) == nil)
        #expect(try contract.decodesToExample(message))
    }

    @Test("an explicit null for an optional field reads as absent")
    func nullOptional() throws {
        let contract = try contract(EnrolmentRefused.self)
        let message = try JSONValue.parse(contract.golden())
            .setting(.null, at: JSONPath([.key("data"), .key("reason")])).encoded()
        let event = try EventCoding.decode(CloudEvent<EnrolmentRefused>.self, from: message)
        #expect(event.data.reason == nil)
    }

    static func addingUnknownFields(to value: JSONValue) -> JSONValue {
        switch value {
        case .object(let members):
            var extended = members.mapValues(addingUnknownFields)
            extended["unknownExtension"] = .object(["addedIn": .string("v1.1"), "count": .integer(7)])
            return .object(extended)
        case .array(let items):
            return .array(items.map(addingUnknownFields))
        default:
            return value
        }
    }
}
