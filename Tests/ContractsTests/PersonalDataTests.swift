import Contracts
import Foundation
import Testing

@Suite("Learners appear on the bus by pseudonymous id only")
struct PersonalDataTests {
    static let forbiddenWords = ["name", "mail", "firstname", "lastname", "surname", "phone", "birth", "address"]

    @Test("no field of any event is named like personal data", arguments: ContractCase.all)
    func noPersonalFieldNames(_ contract: ContractCase) throws {
        let keys = Self.keys(of: try JSONValue.parse(contract.golden()))
        let suspicious = keys.filter { key in Self.forbiddenWords.contains { key.lowercased().contains($0) } }
        #expect(suspicious.isEmpty, "\(contract.eventType) has fields named like personal data: \(suspicious.sorted())")
    }

    @Test("no value of any example looks like an e-mail address", arguments: ContractCase.all)
    func noEmailValues(_ contract: ContractCase) throws {
        let email = try Regex("[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}")
        let values = Self.strings(of: try JSONValue.parse(contract.golden()))
        #expect(values.allSatisfy { $0.firstMatch(of: email) == nil })
    }

    @Test("the people in an event are named by ids ending in ID, never by free text")
    func peopleAreIDs() throws {
        let people = ["participant", "actor", "designer", "trainer", "tutor"]
        let aboutPeopleButNotAPerson: Set = ["trainerNotes"]
        for contract in ContractCase.all {
            for key in Self.keys(of: try JSONValue.parse(contract.golden()))
            where people.contains(where: { key.lowercased().hasPrefix($0) }) && !aboutPeopleButNotAPerson.contains(key)
            {
                #expect(key.hasSuffix("ID") || key.hasSuffix("IDs"), "\(contract.eventType).\(key)")
            }
        }
    }

    static func keys(of value: JSONValue) -> Set<String> {
        switch value {
        case .object(let members): Set(members.keys).union(members.values.flatMap(keys))
        case .array(let items): Set(items.flatMap(keys))
        default: []
        }
    }

    static func strings(of value: JSONValue) -> [String] {
        switch value {
        case .object(let members): members.values.flatMap(strings)
        case .array(let items): items.flatMap(strings)
        case .string(let text): [text]
        default: []
        }
    }
}
