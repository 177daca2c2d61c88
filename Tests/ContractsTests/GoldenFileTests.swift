import Contracts
import Foundation
import Testing

@Suite("Golden files pin the wire format of every event")
struct GoldenFileTests {
    @Test("every catalogued event type has a full example")
    func everyTypeHasAnExample() {
        #expect(ContractCase.missingExamples.isEmpty, "event types without an example: \(ContractCase.missingExamples)")
    }

    @Test("the example encodes to exactly the bytes of the golden file", arguments: ContractCase.all)
    func exampleMatchesGolden(_ contract: ContractCase) throws {
        // Given the full example of the event type
        let encoded = try contract.exampleEncoding()
        if ContractFiles.updatingGoldenFiles {
            try encoded.write(to: contract.goldenURL, options: .atomic)
        }
        // Then the canonical encoding is the golden file, byte for byte
        let golden = try #require(
            try? contract.golden(), "no golden file \(contract.goldenURL.lastPathComponent)")
        #expect(
            encoded == golden,
            """
            \(contract.eventType) no longer encodes as its golden file. A wire change must be a new optional \
            field or a new .v2 type; if this one is intended, run MAGISTERE_UPDATE_GOLDEN=1 swift test \
            --filter ContractsTests and review the diff.
            """)
    }

    @Test("the golden file decodes to the example and re-encodes byte for byte", arguments: ContractCase.all)
    func goldenRoundTrips(_ contract: ContractCase) throws {
        let golden = try contract.golden()
        #expect(try contract.decodesToExample(golden))
        #expect(try contract.reencode(golden) == golden)
    }

    @Test("golden files are the compact encoder output in UTF-8, with times in UTC and milliseconds")
    func goldenFilesAreCanonical() throws {
        for contract in ContractCase.all {
            let text = try #require(String(data: try contract.golden(), encoding: .utf8))
            #expect(!text.contains("\n"), "\(contract.eventType): golden files are not pretty-printed")
            let time = try #require(try JSONValue.parse(contract.golden())["time"]?.stringValue)
            #expect(time.count == 24 && time.hasSuffix("Z"), "\(contract.eventType): time '\(time)'")
        }
    }
}
