import Contracts
import Foundation

/// Where the contract files live in the source tree, and how golden files are refreshed.
///
/// Tests read the source tree (not the copied test bundle) so that an orphan file is seen at once and
/// `MAGISTERE_UPDATE_GOLDEN=1 swift test --filter ContractsTests` rewrites the very files under review.
enum ContractFiles {
    static let testsDirectory = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    static let packageRoot = testsDirectory.deletingLastPathComponent().deletingLastPathComponent()
    static let goldenDirectory = testsDirectory.appending(path: "Golden")
    static let schemaDirectory = packageRoot.appending(path: "Sources/Contracts/Schemas")
    static let asyncAPIDocument = packageRoot.appending(path: "docs/asyncapi.yaml")

    /// Whether this run rewrites golden files instead of comparing against them.
    static var updatingGoldenFiles: Bool {
        ProcessInfo.processInfo.environment["MAGISTERE_UPDATE_GOLDEN"] == "1"
    }

    static func goldenURL(for eventType: EventType) -> URL {
        goldenDirectory.appending(path: "\(eventType.rawValue).json")
    }

    static func schemaURL(for eventType: EventType) -> URL {
        schemaDirectory.appending(path: EventSchemas.fileName(for: eventType))
    }

    /// The non-hidden file names of a directory.
    static func fileNames(in directory: URL) throws -> Set<String> {
        Set(try FileManager.default.contentsOfDirectory(atPath: directory.path()).filter { !$0.hasPrefix(".") })
    }

    static func schema(for eventType: EventType) throws -> JSONValue {
        try JSONValue.parse(Data(contentsOf: schemaURL(for: eventType)))
    }
}
