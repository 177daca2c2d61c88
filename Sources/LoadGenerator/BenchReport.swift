import Foundation

/// Completions as the outside subscriber counted them, and how long after the progress they came.
public struct CompletionReport: Codable, Sendable {
    /// One per teacher: each teacher's reports complete the course.
    public var expected: Int
    /// This run's enrolments with a completion event at the outside queue.
    public var counted: Int
    /// Distinct completion event ids received.
    public var distinctEvents: Int
    /// Deliveries, duplicates included (delivery is at-least-once).
    public var deliveries: Int
    /// A second, differently identified completion of an enrolment (should never happen).
    public var secondCompletions: Int
    /// From the teacher's last report written to the completion's arrival.
    public var fromLastReportSent: LatencySummary
    /// From that report's answer read to the completion's arrival (0 when the event came first).
    public var fromLastReportAnswered: LatencySummary
    /// From the last progress report answered (whole phase) to the last completion received.
    public var lastProgressToLastCompletionMilliseconds: Double
}

/// Everything one `magistere bench` run measured, for people (``text``) and machines (JSON).
public struct BenchReport: Codable, Sendable {
    public var run: String
    public var startedAt: String
    public var targets: [String: String]
    public var teachers: Int
    public var sessions = 0
    public var activities: Int
    public var reportsPerTeacher: Int
    public var connections: Int
    /// The progress phase's paced rate, when one was asked.
    public var progressRate: Double?
    public var preparationSeconds = 0.0
    public var phases: [PhaseReport] = []
    public var trainerReads: PhaseReport?
    public var completions: CompletionReport?
    /// The popular sessions' seats after the rushes (empty when there was none).
    public var seatChecks: [SeatCheck] = []
    public var rawBroker: RawBrokerReport?
    /// Progress reports per second end to end ÷ the raw broker's end-to-end messages per second.
    public var progressToRawBrokerRatio: Double?
    /// Why the run counts as failed: any answer outside 2xx, a lost request, a completion not counted.
    public var failures: [String] = []
    public var ok = false

    init(configuration: CampaignConfiguration) {
        run = configuration.runID
        startedAt = ISO8601DateFormatter().string(from: Date())
        targets = [
            "catalog": configuration.catalog.description, "enrolment": configuration.enrolment.description,
            "tracking": configuration.tracking.description, "broker": configuration.broker.description,
        ]
        teachers = configuration.teachers
        activities = configuration.activities
        reportsPerTeacher = configuration.reportsPerTeacher
        connections = configuration.connections
        progressRate = configuration.progressRate
    }

    /// Works out the ratio and the verdict once every figure is in.
    mutating func conclude() {
        if let progress = phases.first(where: { $0.name.hasPrefix("progress") }), let raw = rawBroker,
            raw.endToEndPerSecond > 0
        {
            progressToRawBrokerRatio = progress.eventsPerSecond / raw.endToEndPerSecond
        }
        failures = []
        for phase in phases + [trainerReads].compactMap({ $0 }) where phase.failures > 0 {
            let statuses = phase.statuses.filter { !$0.key.hasPrefix("2") }.sorted { $0.key < $1.key }
                .map { "\($0.value)× \($0.key)" }.joined(separator: ", ")
            failures.append("\(phase.name): \(statuses)")
        }
        if let completions, completions.counted != completions.expected {
            failures.append("completions: \(completions.counted) counted, \(completions.expected) expected")
        }
        if let completions, completions.secondCompletions > 0 {
            failures.append("completions: \(completions.secondCompletions) enrolment(s) completed twice")
        }
        for check in seatChecks where !check.problems.isEmpty {
            failures.append("popular session (\(check.mode)): " + check.problems.joined(separator: "; "))
        }
        ok = failures.isEmpty
    }

    /// The report as JSON (sorted keys).
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// The report for people.
    public var text: String {
        var lines: [String] = []
        lines.append("M@gistère load campaign \(run) (started \(startedAt))")
        lines.append(
            "targets: catalog \(targets["catalog"] ?? "?"), enrolment \(targets["enrolment"] ?? "?"), "
                + "tracking \(targets["tracking"] ?? "?"); broker \(targets["broker"] ?? "?")")
        lines.append(
            "\(teachers) teachers in \(sessions) session(s), a course of \(activities) activities, "
                + "\(reportsPerTeacher) progress reports per teacher; \(connections) connections"
                + (progressRate.map { String(format: "; progress paced at %.0f reports/s", $0) } ?? ""))
        lines.append(String(format: "preparation: %.1f s", preparationSeconds))
        lines.append("")
        let header = "phase".padding(toLength: 42, withPad: " ", startingAt: 0)
        lines.append(
            header
                + "requests   events      s      req/s   events/s   p50 ms   p90 ms   p99 ms   max ms  statuses")
        for phase in phases + [trainerReads].compactMap({ $0 }) {
            let statuses = phase.statuses.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }
                .joined(separator: " ")
            lines.append(
                phase.name.padding(toLength: 42, withPad: " ", startingAt: 0)
                    + String(
                        format: "%8d %8d %6.1f %10.0f %10.0f %8.1f %8.1f %8.1f %8.1f  ", phase.requests,
                        phase.events, phase.seconds, phase.requestsPerSecond, phase.eventsPerSecond,
                        phase.latency.p50, phase.latency.p90, phase.latency.p99, phase.latency.max) + statuses)
        }
        if let completions {
            lines.append("")
            lines.append(
                "completions at the outside queue: \(completions.counted) of \(completions.expected) expected "
                    + "(\(completions.distinctEvents) distinct event ids, \(completions.deliveries) deliveries)")
            for (label, summary) in [
                ("progress → completion, from the last report sent:    ", completions.fromLastReportSent),
                ("progress → completion, from the last report answered:", completions.fromLastReportAnswered),
            ] {
                lines.append(
                    label
                        + String(
                            format: " p50 %.1f ms  p90 %.1f ms  p99 %.1f ms  max %.1f ms", summary.p50, summary.p90,
                            summary.p99, summary.max))
            }
            lines.append(
                String(
                    format: "last progress answered → last completion received: %.1f ms",
                    completions.lastProgressToLastCompletionMilliseconds))
        }
        if !seatChecks.isEmpty { lines.append("") }
        for check in seatChecks {
            let states = check.states.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            lines.append(
                "popular session (\(check.mode), \(check.capacity) seats, \(check.teachers) teachers at once): "
                    + "\(states); seats taken \(check.seatsTaken), waitlisted \(check.seatsWaitlisted); "
                    + (check.problems.isEmpty ? "capacity held" : "FAILED: " + check.problems.joined(separator: "; ")))
        }
        if let raw = rawBroker {
            lines.append("")
            lines.append(
                "raw broker (\(raw.messages) persistent \(raw.bodyBytes)-byte messages, one \(raw.queueType) queue, "
                    + "confirm window \(raw.window)): "
                    + String(
                        format: "publish %.0f msg/s, end to end %.0f msg/s", raw.publishedPerSecond,
                        raw.endToEndPerSecond))
        }
        if let ratio = progressToRawBrokerRatio {
            lines.append(String(format: "progress reports/s ÷ raw broker end-to-end msg/s: %.1f %%", ratio * 100))
        }
        lines.append("")
        lines.append(ok ? "result: OK" : "result: FAILED — " + failures.joined(separator: "; "))
        return lines.joined(separator: "\n")
    }
}
