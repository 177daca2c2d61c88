import Contracts
import Foundation

/// Which tracking instance owns which partitions, and where each answers HTTP: the configuration every instance
/// of a deployment shares (one JSON file, `MAGISTERE_TRACKING_PARTITION_MAP`), with a version that grows with
/// each change.
///
/// ```json
/// {"version": 2,
///  "instances": {"tracking-a": {"url": "http://tracking-a:8083", "partitions": "0-15"},
///                "tracking-b": {"url": "http://tracking-b:8083", "partitions": "16-31"}}}
/// ```
///
/// A map is refused unless every partition has exactly one owner. The map says who should own what; the broker
/// enforces who does (each partition's lease): an instance started with a stale map that claims a partition
/// another live instance holds is refused at start.
public struct PartitionMap: Sendable, Equatable {
    public struct Instance: Sendable, Equatable {
        public var name: String
        /// Where the instance answers HTTP: reads (and attendance sheets) for its sessions are redirected there.
        public var url: String
        public var partitions: PartitionSet
    }

    public var version: Int
    /// By name.
    public var instances: [String: Instance]

    public init(version: Int, instances: [Instance]) throws {
        guard version >= 1 else { throw PartitionSetError("the partition map's version is a number from 1") }
        self.version = version
        self.instances = Dictionary(instances.map { ($0.name, $0) }) { first, _ in first }
        var owners: [Int: String] = [:]
        for instance in instances.sorted(by: { $0.name < $1.name }) {
            guard let url = URL(string: instance.url), url.scheme == "http" || url.scheme == "https", url.host != nil
            else {
                throw PartitionSetError("instance \(instance.name): '\(instance.url)' is not an http(s) URL")
            }
            for partition in instance.partitions.partitions {
                if let other = owners[partition] {
                    throw PartitionSetError(
                        "partition \(partition) is claimed by both \(other) and \(instance.name): one owner each")
                }
                owners[partition] = instance.name
            }
        }
        let orphans = (0..<TrackingPartitions.count).filter { owners[$0] == nil }
        guard orphans.isEmpty else {
            throw PartitionSetError(
                "partition(s) \((try? PartitionSet(orphans).description) ?? "") owned by no instance: every partition needs an owner"
            )
        }
    }

    /// The owner of a partition.
    public func owner(of partition: Int) -> Instance? {
        instances.values.first { $0.partitions.contains(partition) }
    }

    /// Reads a map file.
    public static func load(path: String) throws -> PartitionMap {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw PartitionSetError("cannot read the partition map \(path): \(error.localizedDescription)")
        }
        return try parse(data, source: path)
    }

    static func parse(_ data: Data, source: String) throws -> PartitionMap {
        struct File: Decodable {
            struct Entry: Decodable {
                var url: String
                var partitions: String
            }
            var version: Int
            var instances: [String: Entry]
        }
        let file: File
        do {
            file = try JSONDecoder().decode(File.self, from: data)
        } catch {
            throw PartitionSetError(
                "the partition map \(source) is not {\"version\": n, \"instances\": {name: {\"url\", \"partitions\"}}}: \(error)"
            )
        }
        return try PartitionMap(
            version: file.version,
            instances: try file.instances.map { name, entry in
                do {
                    return Instance(name: name, url: entry.url, partitions: try PartitionSet(parsing: entry.partitions))
                } catch let error as PartitionSetError {
                    throw PartitionSetError("instance \(name): \(error.description)")
                }
            })
    }

    /// The map as JSON, as `load` reads it.
    public func json() -> String {
        let entries = instances.values.sorted { $0.name < $1.name }.map { instance in
            "    \"\(instance.name)\": {\"url\": \"\(instance.url)\", \"partitions\": \"\(instance.partitions)\"}"
        }
        return "{\n  \"version\": \(version),\n  \"instances\": {\n" + entries.joined(separator: ",\n") + "\n  }\n}\n"
    }
}
