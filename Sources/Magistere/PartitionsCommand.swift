import ArgumentParser
import Crypto
import Foundation
import ServiceSupport
import TrackingService

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `magistere partitions`: the operator's view of tracking's partitions, and moving them between instances.
struct PartitionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "partitions", abstract: "Tracking's partitions: who owns them, and moving them between instances.",
        subcommands: [Status.self, Move.self])

    /// What both subcommands share: the map, and how to call the instances as an operator.
    struct Access: ParsableArguments {
        @Option(
            name: .customLong("partition-map"),
            help: "The partition map the tracking instances share (env MAGISTERE_TRACKING_PARTITION_MAP).")
        var partitionMap: String?
        @Option(help: "An operator's bearer token (default: one signed with the HS256 secret, as `magistere token`).")
        var token: String?
        @OptionGroup var auth: AuthOptions

        func load() throws -> (path: String, map: PartitionMap) {
            let path = Settings.trackingPartitionMap.resolve(partitionMap)
            guard !path.isEmpty else { throw ValidationError("give --partition-map (the map the instances share)") }
            do {
                return (path, try PartitionMap.load(path: path))
            } catch let error as PartitionSetError {
                throw ValidationError(error.description)
            }
        }

        func client() async throws -> OperatorClient {
            if let token { return OperatorClient(token: token) }
            let configuration = try auth.configuration()
            guard let secret = configuration.hmacSecret else {
                throw ValidationError("give --token (an operator's), or the HS256 secret to sign one")
            }
            let issuer = try await TokenIssuer(
                secret: secret, issuer: configuration.issuer, audience: configuration.audience)
            return OperatorClient(
                token: try await issuer.token(
                    subject: "magistere-partitions", roles: [.operator], academy: nil, lifetime: 3600))
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Each partition's owner, queue depth, last event handled, lag and outbox, and each instance's consistency watermark."
        )
        @OptionGroup var access: Access

        func run() async throws {
            let (_, map) = try access.load()
            let client = try await access.client()
            print("partition map version \(map.version)")
            print("partition  instance      queue depth  last handled              lag (s)  outbox")
            for instance in map.instances.values.sorted(by: { $0.name < $1.name }) {
                let view: PartitionsView
                do {
                    view = try await client.json(PartitionsView.self, .get, instance.url + "/partitions")
                } catch {
                    print("  \(instance.name) (\(instance.url)): unreachable: \(error)")
                    continue
                }
                let routing = view.routing ? ", routes tracking.events" : ""
                let version = view.mapVersion.map { $0 == map.version ? "" : ", runs map version \($0)" } ?? ""
                print("# \(instance.name): owns \(view.partitions.count) partition(s)\(routing)\(version)")
                if let watermark = view.appliedThrough {
                    print("# \(instance.name): everything sent to its partitions before \(watermark) is applied")
                }
                for partition in view.partitions {
                    let depth = partition.depth.map(String.init) ?? "?"
                    print(
                        "\(String(partition.partition).padding(toLength: 11, withPad: " ", startingAt: 0))"
                            + "\(instance.name.padding(toLength: 14, withPad: " ", startingAt: 0))"
                            + "\(depth.padding(toLength: 13, withPad: " ", startingAt: 0))"
                            + "\((partition.lastHandledAt ?? "-").padding(toLength: 26, withPad: " ", startingAt: 0))"
                            + "\((partition.lagSeconds.map { String(format: "%.3f", $0) } ?? "-").padding(toLength: 9, withPad: " ", startingAt: 0))"
                            + "\(partition.outboxPending)")
                }
            }
        }
    }

    struct Move: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move partitions to another tracking instance while traffic flows.",
            discussion: """
                Each current owner stops consuming the partitions once its work in hand is committed and closes their \
                files (the broker keeps their messages meanwhile); each file is copied to the target with its \
                SHA-256 checked at both ends; the target opens it and consumes the partitions' queues. The map file \
                is then written with the next version and sent to every instance. Interrupted, run it again: a \
                partition already released is taken from its released file.
                """)
        @OptionGroup var access: Access
        @Option(help: "The partitions to move: ranges such as 16-31.") var partitions: String
        @Option(help: "The instance of the map that takes them.") var to: String

        func run() async throws {
            let (path, map) = try access.load()
            let moving: PartitionSet
            do {
                moving = try PartitionSet(parsing: partitions)
            } catch let error as PartitionSetError {
                throw ValidationError("--partitions: \(error.description)")
            }
            guard let target = map.instances[to] else {
                throw ValidationError("no instance \(to) in the map (it names \(map.instances.keys.sorted()))")
            }
            let client = try await access.client()
            var bySource: [String: [Int]] = [:]
            for partition in moving.partitions {
                guard let owner = map.owner(of: partition), owner.name != target.name else {
                    throw ValidationError("partition \(partition) is \(target.name)'s already")
                }
                bySource[owner.name, default: []].append(partition)
            }
            var checksums: [String: String] = [:]
            for (name, owned) in bySource.sorted(by: { $0.key < $1.key }) {
                let source = map.instances[name]!
                print("releasing \(owned.count) partition(s) on \(name)…")
                let released = try? await client.json(
                    [ReleasedFile].self, .post, source.url + "/partitions/release", body: ["partitions": owned])
                for partition in owned {
                    let bytes = try await client.data(.get, source.url + "/partitions/\(partition)/file")
                    let digest = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
                    if let reported = released?.first(where: { $0.partition == partition }), reported.sha256 != digest {
                        throw ValidationError("partition \(partition): the copy's SHA-256 differs from the source's")
                    }
                    let received = try await client.json(
                        Received.self, .put, target.url + "/partitions/\(partition)/file", raw: bytes)
                    guard received.sha256 == digest else {
                        throw ValidationError("partition \(partition): \(target.name) received another file")
                    }
                    checksums["\(partition)"] = digest
                    print("  partition \(partition): \(bytes.count) bytes, sha256 \(digest.prefix(16))…")
                }
            }
            print("acquiring on \(target.name)…")
            _ = try await client.json(
                PartitionsView.self, .post, target.url + "/partitions/acquire", body: ["sha256": checksums])
            var instances: [PartitionMap.Instance] = []
            for var instance in map.instances.values {
                let kept = instance.partitions.partitions.filter { !moving.contains($0) }
                let owned = instance.name == target.name ? kept + moving.partitions : kept
                instance.partitions = try PartitionSet(owned)
                if owned.isEmpty { print("\(instance.name) owns no partition now (a spare: stop it, or keep it)") }
                instances.append(instance)
            }
            let next = try PartitionMap(version: map.version + 1, instances: instances)
            try next.json().write(toFile: path, atomically: true, encoding: .utf8)
            print("partition map version \(next.version) written to \(path)")
            for instance in next.instances.values.sorted(by: { $0.name < $1.name }) {
                do {
                    _ = try await client.json(
                        PartitionsView.self, .put, instance.url + "/partitions/map", raw: Data(next.json().utf8))
                } catch {
                    print("  \(instance.name) did not take the new map (\(error)): restart it with the map file")
                }
            }
            print("moved \(moving) to \(target.name)")
        }
    }

    struct ReleasedFile: Decodable {
        var partition: Int
        var sha256: String
    }

    struct Received: Decodable {
        var sha256: String
    }

    struct PartitionsView: Decodable {
        struct Partition: Decodable {
            var partition: Int
            var depth: Int?
            var lastHandledAt: String?
            var lagSeconds: Double?
            var outboxPending: Int
        }
        var mapVersion: Int?
        var appliedThrough: String?
        var routing: Bool
        var partitions: [Partition]
    }
}

/// Calls tracking instances as an operator.
struct OperatorClient: Sendable {
    let token: String

    enum Method: String {
        case get = "GET"
        case post = "POST"
        case put = "PUT"
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    func data(_ method: Method, _ url: String, raw: Data? = nil, contentType: String? = nil) async throws -> Data {
        guard let address = URL(string: url) else { throw Failure(description: "not a URL: \(url)") }
        var request = URLRequest(url: address, timeoutInterval: 300)
        request.httpMethod = method.rawValue
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        if let raw {
            request.httpBody = raw
            request.setValue(contentType ?? "application/octet-stream", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard (200..<300).contains(status) else {
            throw Failure(
                description:
                    "\(method.rawValue) \(url): HTTP \(status) \(String(decoding: data.prefix(500), as: UTF8.self))")
        }
        return data
    }

    func json<T: Decodable>(
        _ type: T.Type, _ method: Method, _ url: String, body: (any Encodable)? = nil, raw: Data? = nil
    ) async throws -> T {
        let payload = try body.map { try JSONEncoder().encode($0) } ?? raw
        let data = try await data(
            method, url, raw: payload,
            contentType: body != nil || raw.map { $0.first == UInt8(ascii: "{") } == true
                ? "application/json" : nil)
        return try JSONDecoder().decode(T.self, from: data)
    }
}
