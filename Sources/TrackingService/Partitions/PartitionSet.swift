import Contracts
import Foundation

/// The tracking partitions an instance owns: it alone writes their files and consumes their queues.
///
/// Written as ranges and single numbers, `0-15` or `0-7,16-23,31`; `all` is every partition, `none` none (a spare
/// instance: it takes writes for any session and forwards them, redirects reads, and waits for partitions to be
/// moved to it).
public struct PartitionSet: Sendable, Equatable, CustomStringConvertible {
    public let partitions: [Int]

    public init<S: Sequence<Int>>(_ partitions: S) throws {
        let sorted = Set(partitions).sorted()
        if let outside = sorted.first(where: { !(0..<TrackingPartitions.count).contains($0) }) {
            throw PartitionSetError(
                "partition \(outside) does not exist (partitions are 0 to \(TrackingPartitions.count - 1))")
        }
        self.partitions = sorted
    }

    /// Every partition: one instance owns them all (the default, and `magistere up`).
    public static let all = try! PartitionSet(0..<TrackingPartitions.count)

    /// No partition.
    public static let none = try! PartitionSet([])

    /// Parses `0-15`, `3,5,7`, `0-7,16-23`, `all` or `none`.
    public init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed == "all" || trimmed == "none" {
            self = trimmed == "all" ? .all : .none
            return
        }
        var numbers: [Int] = []
        for part in trimmed.split(separator: ",", omittingEmptySubsequences: false) {
            let bounds = part.split(separator: "-", omittingEmptySubsequences: false).map {
                Int($0.trimmingCharacters(in: .whitespaces))
            }
            switch bounds.count {
            case 1:
                guard let single = bounds[0] else { throw PartitionSetError("'\(part)' is not a partition number") }
                numbers.append(single)
            case 2:
                guard let low = bounds[0], let high = bounds[1], low <= high else {
                    throw PartitionSetError("'\(part)' is not a range of partitions such as 0-15")
                }
                numbers.append(contentsOf: low...high)
            default:
                throw PartitionSetError("'\(part)' is not a partition number or a range such as 0-15")
            }
        }
        try self.init(numbers)
    }

    public func contains(_ partition: Int) -> Bool { partitions.contains(partition) }

    /// Compact text: `0-15,20`.
    public var description: String {
        guard !partitions.isEmpty else { return "none" }
        var runs: [String] = []
        var index = 0
        while index < partitions.count {
            var end = index
            while end + 1 < partitions.count, partitions[end + 1] == partitions[end] + 1 { end += 1 }
            runs.append(end == index ? "\(partitions[index])" : "\(partitions[index])-\(partitions[end])")
            index = end + 1
        }
        return partitions.count == TrackingPartitions.count ? "all" : runs.joined(separator: ",")
    }
}

/// A partition set that cannot be read or is not allowed.
public struct PartitionSetError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// The names tracking gives to each partition's file, queue and lease, from one base.
public struct PartitionNaming: Sendable, Equatable {
    /// The queue tracking's events arrive in from the domain exchange (`tracking.events`), which the router
    /// consumes; partition queues are named after it.
    public var intakeQueue: String

    public init(intakeQueue: String) { self.intakeQueue = intakeQueue }

    /// `tracking.events.partition`: the prefix of the partition queues, and of their shared delay queues.
    public var partitionGroup: String { intakeQueue + ".partition" }

    /// `tracking.events.partition.07`.
    public func queue(ofPartition partition: Int) -> String {
        partitionGroup + "." + Self.twoDigits(partition)
    }

    /// The partition a partition queue is for; nil for any other queue.
    public func partition(ofQueue queue: String) -> Int? {
        guard queue.hasPrefix(partitionGroup + "."), let number = Int(queue.dropFirst(partitionGroup.count + 1)),
            (0..<TrackingPartitions.count).contains(number)
        else { return nil }
        return number
    }

    /// The exclusive queue held by the owner of a partition while it consumes it.
    public func lease(ofPartition partition: Int) -> String { queue(ofPartition: partition) + ".lease" }

    /// The exclusive queue held by the instance routing the intake queue.
    public var routerLease: String { intakeQueue + ".router.lease" }

    /// `tracking.p07.sqlite` beside `tracking.sqlite`: the file of one partition, from the service's store path.
    public static func file(ofPartition partition: Int, storePath: String) -> String {
        let url = URL(fileURLWithPath: storePath)
        let stem = url.deletingPathExtension().lastPathComponent
        let ext = url.pathExtension.isEmpty ? "sqlite" : url.pathExtension
        return url.deletingLastPathComponent().appendingPathComponent("\(stem).p\(twoDigits(partition)).\(ext)").path
    }

    static func twoDigits(_ number: Int) -> String { number < 10 ? "0\(number)" : "\(number)" }
}
