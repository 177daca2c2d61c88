import Histogram

/// Latency percentiles of a set of measurements, in milliseconds (HdrHistogram, 3 significant digits).
public struct LatencySummary: Codable, Sendable, Equatable {
    public var count: Int
    public var p50: Double
    public var p90: Double
    public var p99: Double
    public var p999: Double
    public var max: Double
    public var mean: Double

    /// Summarises durations given in nanoseconds (recorded in microseconds, up to 10 minutes).
    public init(nanoseconds values: some Sequence<UInt64>) {
        var histogram = Histogram<UInt64>(highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .three)
        for value in values { _ = histogram.record(Swift.min(value / 1_000, 600_000_000)) }
        count = Int(histogram.totalCount)
        func ms(_ microseconds: UInt64) -> Double { Double(microseconds) / 1_000 }
        if count == 0 {
            (p50, p90, p99, p999, max, mean) = (0, 0, 0, 0, 0, 0)
        } else {
            p50 = ms(histogram.valueAtPercentile(50))
            p90 = ms(histogram.valueAtPercentile(90))
            p99 = ms(histogram.valueAtPercentile(99))
            p999 = ms(histogram.valueAtPercentile(99.9))
            max = ms(histogram.max)
            mean = histogram.mean / 1_000
        }
    }
}

/// What one phase of the campaign did: how much, how fast, how long each request took, and how it was answered.
public struct PhaseReport: Codable, Sendable {
    public var name: String
    public var connections: Int
    public var requests: Int
    /// Progress reports or xAPI statements (a batch of 50 counts 50).
    public var events: Int
    /// From the first request sent to the last answer received.
    public var seconds: Double
    public var requestsPerSecond: Double
    public var eventsPerSecond: Double
    /// From a request written to its whole answer read.
    public var latency: LatencySummary
    /// Answers by HTTP status; `transport` for requests that got none (connection lost).
    public var statuses: [String: Int]
    /// The first answered time and the last, as `NIODeadline` uptime nanoseconds (not in the JSON output).
    public var firstSentAt: UInt64 = 0
    public var lastAnsweredAt: UInt64 = 0

    enum CodingKeys: String, CodingKey {
        case name, connections, requests, events, seconds, requestsPerSecond, eventsPerSecond, latency, statuses
    }

    /// Answers with a 5xx status.
    public var serverErrors: Int { statuses.filter { $0.key.hasPrefix("5") }.values.reduce(0, +) }
    /// Requests that got no answer.
    public var transportErrors: Int { statuses["transport"] ?? 0 }
    /// Answers outside 2xx, and requests without an answer.
    public var failures: Int { statuses.filter { !$0.key.hasPrefix("2") }.values.reduce(0, +) }

    /// Builds the report of a phase from what its connections recorded.
    public init(name: String, scripts: [ConnectionScript], records: [ConnectionRecord]) {
        self.name = name
        connections = scripts.count
        var requests = 0
        var events = 0
        var statuses: [String: Int] = [:]
        var first = UInt64.max
        var last = UInt64(0)
        var codes = [Int](repeating: 0, count: 600)
        for (script, record) in zip(scripts, records) {
            requests += record.status.count
            for position in record.status.indices {
                events += script.requests[Int(record.request[position])].events
                let status = Int(record.status[position])
                if status < codes.count { codes[status] += 1 } else { statuses[String(status), default: 0] += 1 }
                first = Swift.min(first, record.sentAt[position])
                last = Swift.max(last, record.answeredAt[position])
            }
        }
        for (status, count) in codes.enumerated() where count > 0 {
            statuses[status == 0 ? "transport" : String(status)] = count
        }
        self.requests = requests
        self.events = events
        self.statuses = statuses
        firstSentAt = first == .max ? 0 : first
        lastAnsweredAt = last
        seconds = requests == 0 ? 0 : Double(last - first) / 1e9
        requestsPerSecond = seconds > 0 ? Double(requests) / seconds : 0
        eventsPerSecond = seconds > 0 ? Double(events) / seconds : 0
        latency = LatencySummary(
            nanoseconds: records.lazy.flatMap { record in
                zip(record.sentAt, record.answeredAt).lazy.map { $1 &- $0 }
            })
    }
}
