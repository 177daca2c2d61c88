import ArgumentParser
import Contracts
import Foundation
import LoadGenerator
import Logging
import Messaging
import ServiceSupport
import TrackingService

/// `magistere bench`: the load generator of issue 13 — drives a running deployment on this machine as a
/// campaign does and reports throughput, latency percentiles, errors by status and completions.
struct LoadBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Drive a running deployment on loopback as a training campaign does, and measure it.",
        discussion: """
            Prepares a course, sessions and teachers through the public APIs (designation CSV, each teacher \
            accepting with a token minted here), then posts progress reports (JSON) and xAPI statements (one \
            phase per batch size) over many keep-alive connections while trainers read their session tables; \
            an outside queue bound to tracking.course.completed.v1 counts the completions. Exits 1 when a \
            completion is missing or any answer is not 2xx, 2 when a target is not on loopback.
            Tokens are signed with the HS256 secret the services trust (MAGISTERE_AUTH_HS256_SECRET, its _FILE \
            form, or --data-dir of `magistere up`). Only loopback targets (127.0.0.0/8, ::1, localhost) are driven.
            """)

    @Option(help: "Catalog base URL (loopback only).") var catalog = "http://127.0.0.1:8081"
    @Option(help: "Enrolment base URL (loopback only).") var enrolment = "http://127.0.0.1:8082"
    @Option(
        help: "Tracking base URL (loopback only); several instances comma-separated (progress goes to them in turn).")
    var tracking = "http://127.0.0.1:8083"
    @Option(
        name: .customLong("partition-map"),
        help:
            "Tracking's partition map: its instances are driven, each teacher's requests sent to their session's owner."
    )
    var partitionMap: String?
    @OptionGroup var broker: BrokerOptions
    @OptionGroup var auth: AuthOptions
    @Option(
        name: .customLong("data-dir"),
        help: "Data folder of a `magistere up` whose secret file signs the tokens, when no secret is configured.")
    var dataDirectory: String?

    @Option(help: "Teachers to designate and drive.") var teachers = 3_000
    @Option(help: "Teachers per session (one designation file each).") var teachersPerSession = 500
    @Option(help: "Distance activities of the course.") var activities = 4
    @Option(help: "Progress reports per teacher (the last ones complete each activity).") var reportsPerTeacher = 8
    @Option(help: "Concurrent keep-alive connections of the measured phases.") var connections = 64
    @Option(help: "Pace the progress phase at this many reports per second (default: as fast as answered).")
    var progressRate: Double?
    @Flag(help: "Send progress reports with 'Prefer: return=minimal' (a small receipt instead of the whole view).")
    var preferMinimal = false
    @Option(help: "Statements per xAPI phase (0: no xAPI phase).") var xapiStatements = 20_000
    @Option(name: .customLong("xapi-batch"), help: "Statements per xAPI request; repeat for one phase each.")
    var xapiBatches: [Int] = [1, 50]
    @Option(help: "Trainer connections reading session tables during the phases.") var trainerConnections = 2
    @Option(name: .customLong("trainer-interval-ms"), help: "Pause between two reads of a trainer connection.")
    var trainerInterval = 250
    @Option(help: "Teachers rushing into one popular session at once, in open mode then by application (0: none).")
    var popularTeachers = 0
    @Option(help: "Seats of the popular session.") var popularCapacity = 30
    @Option(help: "Connections of the popular session's rush (requests in flight at once).")
    var popularConnections = 256
    @Option(help: "Seconds to wait for the last completion after the last progress report.")
    var completionTimeout = 60.0
    @Option(help: "Seconds the preparation waits for the services to learn of each other's events.")
    var preparationTimeout = 60.0
    @Option(help: "Event-loop threads of the HTTP client.") var clientThreads = 1
    @Option(help: "Also measure the raw broker with this many messages (0: not).") var rawBrokerMessages = 0
    @Option(help: "Confirm window of the raw broker measurement.") var rawBrokerWindow = 500
    @Option(help: "Name of this run (lowercase letters and digits; default random): its people, sessions and queues.")
    var runID: String?
    @Flag(help: "Print the report as JSON.") var json = false
    @Option(help: "Also write the JSON report to this file.") var jsonFile: String?

    func validate() throws {
        if let runID,
            !(1...16).contains(runID.count) || !runID.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber) })
        {
            throw ValidationError("--run-id must be 1 to 16 lowercase letters and digits")
        }
    }

    func run() async throws {
        // Nothing is sent anywhere before every target is known to be on loopback.
        var configuration: CampaignConfiguration
        do {
            var instances = try tracking.split(separator: ",").map { try LoopbackTarget(url: String($0)) }
            var owners: [Int]?
            if let partitionMap {
                let map: PartitionMap
                do {
                    map = try PartitionMap.load(path: partitionMap)
                } catch let error as PartitionSetError {
                    throw ValidationError(error.description)
                }
                let named = map.instances.values.sorted { $0.name < $1.name }
                instances = try named.map { try LoopbackTarget(url: $0.url) }
                owners = (0..<TrackingPartitions.count).map { partition in
                    named.firstIndex { $0.partitions.contains(partition) }!
                }
            }
            guard let first = instances.first else { throw ValidationError("--tracking needs a URL") }
            configuration = try CampaignConfiguration(
                catalog: LoopbackTarget(url: catalog), enrolment: LoopbackTarget(url: enrolment),
                tracking: first, broker: try broker.endpoint(), topology: try broker.topology(),
                runID: runID ?? Self.runID())
            configuration.moreTracking = Array(instances.dropFirst())
            configuration.trackingOwners = owners
        } catch let error as NotLoopback {
            FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
            throw ExitCode(2)
        }
        var settings = configuration
        settings.teachers = teachers
        settings.teachersPerSession = teachersPerSession
        settings.activities = activities
        settings.reportsPerTeacher = reportsPerTeacher
        settings.connections = connections
        settings.progressRate = progressRate
        settings.preferMinimalProgressAnswers = preferMinimal
        settings.xapiStatements = xapiStatements
        settings.xapiBatchSizes = xapiBatches
        settings.trainerConnections = trainerConnections
        settings.trainerIntervalMilliseconds = trainerInterval
        settings.popularTeachers = popularTeachers
        settings.popularCapacity = popularCapacity
        settings.popularConnections = popularConnections
        settings.completionTimeout = completionTimeout
        settings.preparationTimeout = preparationTimeout
        settings.clientThreads = clientThreads
        settings.rawBrokerMessages = rawBrokerMessages
        settings.rawBrokerWindow = rawBrokerWindow
        if let problem = settings.problems().first { throw ValidationError(problem) }

        let secret = try signingSecret()
        let tokenConfiguration = try auth.configuration()
        let issuer = try await TokenIssuer(
            secret: secret, issuer: tokenConfiguration.issuer, audience: tokenConfiguration.audience)
        var logger = Logger(label: "magistere.bench")
        logger.logLevel = .error
        let campaign = Campaign(configuration: settings, tokens: issuer, logger: logger) { line in
            FileHandle.standardError.write(Data("bench: \(line)\n".utf8))
        }
        let report: BenchReport
        do { report = try await campaign.run() } catch let error as CampaignError {
            FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
            throw ExitCode(1)
        }
        print(json ? try report.json() : report.text)
        if let jsonFile {
            try Data((try report.json() + "\n").utf8).write(to: URL(fileURLWithPath: jsonFile))
        }
        if !report.ok { throw ExitCode(1) }
    }

    /// The HS256 secret the services trust: configured, or the data folder's of `magistere up`.
    private func signingSecret() throws -> String {
        if let secret = try auth.configuration().hmacSecret { return secret }
        if let dataDirectory {
            let path = AuthOptions.embeddedSecretPath(dataDirectory: dataDirectory)
            if FileManager.default.fileExists(atPath: path) { return try AuthOptions.read(path, what: "secret file") }
        }
        throw ValidationError(
            "the bench mints the teachers' tokens: give the HS256 secret the services trust (MAGISTERE_AUTH_HS256_SECRET or --auth-hs256-secret-file), or --data-dir of `magistere up`"
        )
    }

    /// Six random lowercase hex digits naming this run's people, sessions and queues.
    static func runID() -> String {
        String(UInt32.random(in: 0..<(1 << 24)), radix: 16).leftPadded(to: 6)
    }
}

extension String {
    fileprivate func leftPadded(to length: Int) -> String {
        count >= length ? self : String(repeating: "0", count: length - count) + self
    }
}
