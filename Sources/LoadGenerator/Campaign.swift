import Contracts
import Foundation
import Logging
import NIOCore
import NIOPosix
import ServiceSupport

/// A peak-ingestion campaign against a running deployment (issue 13): preparation through the public APIs,
/// then the measured phases — progress reports (JSON), xAPI statements in batches — with trainers reading
/// their session tables meanwhile and an outside subscriber counting the completions.
public struct Campaign: Sendable {
    public let configuration: CampaignConfiguration
    let tokens: TokenIssuer
    let logger: Logger
    /// Progress lines for people (standard error), one per step.
    let log: @Sendable (String) -> Void

    public init(
        configuration: CampaignConfiguration, tokens: TokenIssuer, logger: Logger,
        log: @escaping @Sendable (String) -> Void
    ) {
        self.configuration = configuration
        self.tokens = tokens
        self.logger = logger
        self.log = log
    }

    /// Runs the whole campaign (and the raw broker measurement when asked) and reports what it measured.
    public func run() async throws -> BenchReport {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: configuration.clientThreads)
        do {
            let report = try await run(on: group)
            try? await group.shutdownGracefully()
            return report
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    private func run(on group: MultiThreadedEventLoopGroup) async throws -> BenchReport {
        let catalog = HTTPLoad(target: configuration.catalog, group: group)
        let enrolment = HTTPLoad(target: configuration.enrolment, group: group)
        let tracking = HTTPLoad(target: configuration.tracking, group: group)
        var report = BenchReport(configuration: configuration)

        let subscriber = CompletionSubscriber(
            endpoint: configuration.broker, topology: configuration.topology,
            queue: "loadgen.\(configuration.runID).completions", logger: logger)
        defer { subscriber.close() }
        try await subscriber.declare()
        log("outside subscriber bound \(subscriber.subscription.queue) to \(CourseCompleted.eventType)")

        try await withThrowingTaskGroup(of: Void.self) { background in
            background.addTask { try await subscriber.run() }
            defer { background.cancelAll() }

            let prepared = try await CampaignPreparation(
                configuration: configuration, tokens: tokens, catalog: catalog, enrolment: enrolment,
                tracking: tracking, log: log
            ).prepare()
            report.sessions = prepared.sessionIDs.count
            report.preparationSeconds = prepared.seconds
            report.phases += prepared.phases

            if configuration.popularTeachers > 0 {
                let (phases, checks) = try await PopularSession(
                    configuration: configuration, tokens: tokens, enrolment: enrolment, courseID: prepared.courseID,
                    manager: prepared.managerToken, trainerID: prepared.trainerID, log: log
                ).rush()
                report.phases += phases
                report.seatChecks = checks
                for check in checks {
                    log(
                        "popular session (\(check.mode)): "
                            + check.states.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }
                            .joined(separator: ", ") + " for \(check.capacity) seats"
                            + (check.problems.isEmpty ? "" : "; " + check.problems.joined(separator: "; ")))
                }
            }

            // Trainers read their tables for as long as the measured phases run.
            let trainersStop = StopSignal()
            let trainerScripts = trainerReads(prepared, stop: trainersStop)
            async let trainerRecords = tracking.run(trainerScripts)
            // Declared after the `async let`, so it runs before the implicit await of an early exit.
            defer { trainersStop.raise() }

            let (progress, lastReports) = await progressPhase(prepared, on: tracking)
            report.phases.append(progress)
            log(
                String(
                    format: "progress: %d reports in %.1f s, %.0f reports/s; waiting for completions", progress.events,
                    progress.seconds, progress.eventsPerSecond))
            report.completions = try await awaitCompletions(
                prepared, lastReports: lastReports, lastProgressAnsweredAt: progress.lastAnsweredAt,
                subscriber: subscriber)

            for batch in configuration.xapiBatchSizes where configuration.xapiStatements > 0 {
                let phase = await xapiPhase(prepared, batch: batch, on: tracking)
                report.phases.append(phase)
                log(phase.name + String(format: ": %.0f statements/s", phase.eventsPerSecond))
            }
            trainersStop.raise()
            if !trainerScripts.isEmpty {
                report.trainerReads = PhaseReport(
                    name: "trainers read session tables (beside)", scripts: trainerScripts,
                    records: await trainerRecords)
            } else {
                _ = await trainerRecords
            }
        }

        if configuration.rawBrokerMessages > 0 {
            log("raw broker: \(configuration.rawBrokerMessages) persistent messages through one queue")
            report.rawBroker = try await RawBrokerMeasurement(
                endpoint: configuration.broker, queueType: configuration.topology.queueType,
                runID: configuration.runID, messages: configuration.rawBrokerMessages,
                window: configuration.rawBrokerWindow, logger: logger
            ).run()
        }
        report.conclude()
        return report
    }

    // MARK: - Phases

    /// Each connection takes every C-th teacher and sends all of a teacher's reports in order, one teacher
    /// after the other: a teacher's reports never race each other, and completions come all along the phase.
    /// Returns the phase and, per teacher, the (sent, answered) times of their last report.
    private func progressPhase(
        _ prepared: PreparedCampaign, on tracking: HTTPLoad
    ) async -> (
        PhaseReport, [(sent: UInt64, answered: UInt64)?]
    ) {
        let reports = configuration.reportsPerTeacher
        let activities = prepared.activityIDs
        let partial = reports - activities.count
        // Connection c talks to tracking instance c % n; a teacher's reports go to one connection of the instance
        // that owns their session (by the map) or, without a map, of the instances in turn.
        let instances = configuration.trackingInstances
        let connections = max(min(configuration.connections, prepared.teachers.count), instances.count)
        let connectionsOf = instances.indices.map { Array(stride(from: $0, to: connections, by: instances.count)) }
        var owners: [[Int]] = Array(repeating: [], count: connections)
        var turns = Array(repeating: 0, count: instances.count)
        for (index, teacher) in prepared.teachers.enumerated() {
            let instance =
                configuration.trackingOwners.map { $0[TrackingPartitions.partition(ofSession: teacher.sessionID)] }
                ?? index % instances.count
            owners[connectionsOf[instance][turns[instance] % connectionsOf[instance].count]].append(index)
            turns[instance] += 1
        }
        let interval = configuration.progressRate.map { UInt64(1e9 * Double(connections) / $0) }
        let headers = configuration.preferMinimalProgressAnswers ? [("Prefer", "return=minimal")] : []
        let scripts = owners.enumerated().map { connection, teachers in
            let target = instances[connection % instances.count]
            var requests: [PreparedRequest] = []
            requests.reserveCapacity(teachers.count * reports)
            for index in teachers {
                let teacher = prepared.teachers[index]
                for number in 0..<reports {
                    let body =
                        number < partial
                        ? #"{"id":"\#(teacher.id)-r\#(number)","activityID":"\#(activities[number % activities.count])","timeSpentSeconds":120}"#
                        : #"{"id":"\#(teacher.id)-r\#(number)","activityID":"\#(activities[number - partial])","timeSpentSeconds":300,"completed":true}"#
                    requests.append(
                        PreparedRequest(
                            method: "POST", path: "/enrolments/\(teacher.enrolmentID)/progress",
                            target: target, bearer: teacher.token, json: body, extraHeaders: headers))
                }
            }
            var script = ConnectionScript(requests: requests, interval: interval)
            script.target = target
            script.offset = (interval ?? 0) * UInt64(connection) / UInt64(connections)
            return script
        }
        log(
            "progress: \(prepared.teachers.count * reports) reports over \(connections) connections"
                + (instances.count > 1
                    ? " to \(instances.count) tracking instances"
                        + (configuration.trackingOwners == nil ? " in turn" : ", each teacher to their session's owner")
                    : "")
                + (configuration.progressRate.map { String(format: " at %.0f reports/s", $0) } ?? ", flat out"))
        let records = await tracking.run(scripts)
        var last: [(sent: UInt64, answered: UInt64)?] = Array(repeating: nil, count: prepared.teachers.count)
        for (connection, record) in records.enumerated() {
            for position in record.request.indices {
                let request = Int(record.request[position])
                guard request % reports == reports - 1, record.status[position] / 100 == 2 else { continue }
                last[owners[connection][request / reports]] = (record.sentAt[position], record.answeredAt[position])
            }
        }
        return (PhaseReport(name: "progress reports (JSON)", scripts: scripts, records: records), last)
    }

    /// Statements about the course's activities, `batch` per request, each request from one teacher (the
    /// statements' actor and registration are theirs), teachers in turn.
    private func xapiPhase(_ prepared: PreparedCampaign, batch: Int, on tracking: HTTPLoad) async -> PhaseReport {
        let requestsCount = (configuration.xapiStatements + batch - 1) / batch
        let teachers = prepared.teachers
        let requests = (0..<requestsCount).map { number in
            let teacher = teachers[number % teachers.count]
            let activity = prepared.activityIDs[(number / teachers.count) % prepared.activityIDs.count]
            let statement = """
                {"actor":{"objectType":"Agent","account":{"homePage":"https://magistere.education.gouv.fr",\
                "name":"\(teacher.id)"}},"verb":{"id":"http://adlnet.gov/expapi/verbs/progressed",\
                "display":{"fr-FR":"a progressé"}},"object":{"id":\
                "https://magistere.education.gouv.fr/xapi/activities/\(prepared.courseID)/\(activity)"},\
                "result":{"duration":"PT1M"},"context":{"registration":"\(teacher.enrolmentID)"}}
                """
            let count = min(batch, configuration.xapiStatements - number * batch)
            let body =
                batch == 1 ? statement : "[" + Array(repeating: statement, count: count).joined(separator: ",") + "]"
            return PreparedRequest(
                method: "POST", path: "/xapi/statements", target: configuration.tracking(forSession: teacher.sessionID),
                bearer: teacher.token, json: body, extraHeaders: [("X-Experience-API-Version", "1.0.3")], events: count)
        }
        let scripts = Self.spread(requests, over: configuration.connections)
        log("xAPI: \(configuration.xapiStatements) statements in batches of \(batch) over \(scripts.count) connections")
        return PhaseReport(
            name: "xAPI statements, batches of \(batch)", scripts: scripts, records: await tracking.run(scripts))
    }

    private func trainerReads(_ prepared: PreparedCampaign, stop: StopSignal) -> [ConnectionScript] {
        guard configuration.trainerConnections > 0 else { return [] }
        // Each session's table is read from its owner; a trainer connection reads the sessions of one instance.
        let bySession = Dictionary(grouping: prepared.sessionIDs) { configuration.tracking(forSession: $0) }
        let instances = bySession.keys.sorted { $0.port < $1.port }
        return (0..<configuration.trainerConnections).map { number in
            let target = instances[number % instances.count]
            let reads = bySession[target]!.map {
                PreparedRequest(
                    method: "GET", path: "/sessions/\($0)/progress", target: target, bearer: prepared.trainerToken)
            }
            // Each trainer connection starts on a different session.
            let rotated = Array(reads[(number % reads.count)...] + reads[..<(number % reads.count)])
            var script = ConnectionScript(
                requests: rotated, interval: UInt64(configuration.trainerIntervalMilliseconds) * 1_000_000,
                cycleUntil: stop)
            script.target = target
            return script
        }
    }

    /// Requests over at most `connections` connections, each connection talking to one instance: the requests
    /// are grouped by target first.
    static func spread(_ requests: [PreparedRequest], over connections: Int) -> [ConnectionScript] {
        let byTarget = Dictionary(grouping: requests.indices) { requests[$0].target }
        let targets = byTarget.keys.sorted { $0.port < $1.port }
        var scripts: [ConnectionScript] = []
        for target in targets {
            let indices = byTarget[target]!
            let count = max(1, min(connections / targets.count, indices.count))
            var group = Array(repeating: ConnectionScript(requests: []), count: count)
            for (position, index) in indices.enumerated() { group[position % count].requests.append(requests[index]) }
            for index in group.indices { group[index].target = target }
            scripts += group
        }
        return scripts
    }

    /// Waits until every teacher's completion reached the outside queue (or the timeout passed) and
    /// matches each with the teacher's last report.
    private func awaitCompletions(
        _ prepared: PreparedCampaign, lastReports: [(sent: UInt64, answered: UInt64)?], lastProgressAnsweredAt: UInt64,
        subscriber: CompletionSubscriber
    ) async throws -> CompletionReport {
        let enrolments = Set(prepared.teachers.map(\.enrolmentID))
        let deadline = ContinuousClock.now + .milliseconds(Int(configuration.completionTimeout * 1000))
        while subscriber.counted(of: enrolments) < enrolments.count, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        let counts = subscriber.counts
        var fromSent: [UInt64] = []
        var fromAnswer: [UInt64] = []
        var lastArrival: UInt64 = 0
        for (teacher, report) in zip(prepared.teachers, lastReports) {
            guard let arrival = counts.arrivals[teacher.enrolmentID] else { continue }
            lastArrival = max(lastArrival, arrival)
            guard let report else { continue }
            fromSent.append(arrival > report.sent ? arrival - report.sent : 0)
            fromAnswer.append(arrival > report.answered ? arrival - report.answered : 0)
        }
        let counted = subscriber.counted(of: enrolments)
        log("completions: \(counted) of \(enrolments.count) counted")
        return CompletionReport(
            expected: enrolments.count, counted: counted, distinctEvents: counts.distinctEvents,
            deliveries: counts.deliveries, secondCompletions: counts.secondCompletions,
            fromLastReportSent: LatencySummary(nanoseconds: fromSent),
            fromLastReportAnswered: LatencySummary(nanoseconds: fromAnswer),
            lastProgressToLastCompletionMilliseconds: lastArrival > lastProgressAnsweredAt
                ? Double(lastArrival - lastProgressAnsweredAt) / 1e6 : 0)
    }
}
