import Foundation
import TrackingService

/// The SQLite files of a service store as an operator names it: the file itself, or, for tracking, the files of
/// its partitions (`tracking.p00.sqlite` …) beside the `tracking.sqlite` they replaced.
enum StoreFiles {
    static func resolve(_ path: String) -> [String] {
        if FileManager.default.fileExists(atPath: path) { return [path] }
        return (0..<32).map { PartitionNaming.file(ofPartition: $0, storePath: path) }
            .filter { FileManager.default.fileExists(atPath: $0) }
    }
}
