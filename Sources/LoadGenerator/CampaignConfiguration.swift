import Contracts
import Messaging

/// Everything a campaign run needs to know: where the services and the broker are, how many teachers,
/// how much load, and how hard to push.
public struct CampaignConfiguration: Sendable {
    public var catalog: LoopbackTarget
    public var enrolment: LoopbackTarget
    public var tracking: LoopbackTarget
    /// Tracking's other instances, when it runs as several (the first is ``tracking``).
    public var moreTracking: [LoopbackTarget] = []
    /// For each partition, the index in ``trackingInstances`` of the instance that owns it (from the partition
    /// map): each teacher's requests go to the owner of their session. Nil: progress goes to the instances in
    /// turn by connection (as a load balancer unaware of partitions would: the others forward), and reads and
    /// xAPI to the first.
    public var trackingOwners: [Int]?
    /// The broker the services publish to; the completion subscriber and the raw measurement use it.
    public var broker: AMQPEndpoint
    /// The platform's exchange and queue type (the subscriber binds its queue there).
    public var topology: AMQPTopology

    /// A short random tag naming this run's people, course, sessions and queues.
    public var runID: String
    public var academy = "lyon"
    public var teachers = 3_000
    /// Teachers designated per session (one CSV file each; enrolment takes at most 5,000 per file).
    public var teachersPerSession = 500
    /// Distance activities of the course; a teacher completes the course by completing all of them.
    public var activities = 4
    /// Progress reports per teacher (at least `activities`): partial reports first, then one completing each
    /// activity, so that the last report of each teacher is the one that completes the course.
    public var reportsPerTeacher = 8
    /// Concurrent keep-alive connections of the measured phases.
    public var connections = 64
    /// Progress reports per second for the whole progress phase; nil sends them as fast as answered.
    public var progressRate: Double?
    /// Send progress reports with `Prefer: return=minimal` (RFC 7240): a server that honours it answers with a
    /// small receipt instead of the enrolment's whole view; one that does not ignores the header.
    public var preferMinimalProgressAnswers = false
    /// Statements per xAPI phase (each batch size is a phase; 0 skips them).
    public var xapiStatements = 20_000
    public var xapiBatchSizes = [1, 50]
    /// Trainers reading their session tables while the measured phases run (0: none).
    public var trainerConnections = 2
    /// Pause between two table reads of one trainer connection, in milliseconds.
    public var trainerIntervalMilliseconds = 250
    /// Teachers rushing into one popular session at once (0: no such phase); see ``PopularSession``.
    public var popularTeachers = 0
    /// Seats of the popular session.
    public var popularCapacity = 30
    /// Connections of the rush: this many requests in flight at once.
    public var popularConnections = 256
    /// How long to wait for the last completion after the last progress report was answered.
    public var completionTimeout = 60.0
    /// How long the preparation waits for events to reach enrolment and tracking.
    public var preparationTimeout = 60.0
    /// Event-loop threads of the HTTP client.
    public var clientThreads = 1
    /// Messages of the raw broker measurement (0 skips it).
    public var rawBrokerMessages = 0
    /// Messages published per confirm window in the raw broker measurement (the outbox relay's batch).
    public var rawBrokerWindow = 500
    /// Lifetime of the minted teacher tokens, in seconds.
    public var tokenLifetime: Double = 4 * 3600

    public init(
        catalog: LoopbackTarget, enrolment: LoopbackTarget, tracking: LoopbackTarget, broker: AMQPEndpoint,
        topology: AMQPTopology, runID: String
    ) throws {
        self.catalog = catalog
        self.enrolment = enrolment
        self.tracking = tracking
        if let remote = broker.nodes.first(where: { LoopbackTarget.loopbackAddress($0.host.lowercased()) == nil }) {
            throw NotLoopback(url: broker.description, reason: "the broker \(remote.host) is not on loopback")
        }
        self.broker = broker
        self.topology = topology
        self.runID = runID
    }

    /// What is wrong with the numbers, if anything.
    public func problems() -> [String] {
        var found: [String] = []
        if teachers < 1 { found.append("--teachers must be at least 1") }
        if !(1...5_000).contains(teachersPerSession) { found.append("--teachers-per-session must be 1 to 5000") }
        if !(1...50).contains(activities) { found.append("--activities must be 1 to 50") }
        if reportsPerTeacher < activities {
            found.append("--reports-per-teacher must be at least --activities (one completing report per activity)")
        }
        if !(1...4_096).contains(connections) { found.append("--connections must be 1 to 4096") }
        if let rate = progressRate, rate <= 0 { found.append("--progress-rate must be positive") }
        if xapiBatchSizes.contains(where: { !(1...250).contains($0) }) {
            found.append("--xapi-batch sizes must be 1 to 250 (tracking's largest batch)")
        }
        if xapiStatements < 0 { found.append("--xapi-statements must be 0 or more") }
        if trainerConnections < 0 || trainerIntervalMilliseconds < 1 {
            found.append("--trainer-connections must be 0 or more and --trainer-interval-ms at least 1")
        }
        if popularTeachers < 0 || popularTeachers > 100_000 { found.append("--popular-teachers must be 0 to 100000") }
        if !(1...10_000).contains(popularCapacity) { found.append("--popular-capacity must be 1 to 10000") }
        if !(1...4_096).contains(popularConnections) { found.append("--popular-connections must be 1 to 4096") }
        if !(1...16).contains(clientThreads) { found.append("--client-threads must be 1 to 16") }
        if rawBrokerMessages < 0 || !(1...10_000).contains(rawBrokerWindow) {
            found.append("--raw-broker-messages must be 0 or more and --raw-broker-window 1 to 10000")
        }
        if let owners = trackingOwners,
            owners.count != TrackingPartitions.count
                || owners.contains(where: { !trackingInstances.indices.contains($0) })
        {
            found.append(
                "the partition map must give each of the \(TrackingPartitions.count) partitions to an instance")
        }
        return found
    }

    /// Every tracking instance, the first one first.
    public var trackingInstances: [LoopbackTarget] { [tracking] + moreTracking }

    /// The instance that answers for a session: its owner by the map, or the first instance.
    func tracking(forSession sessionID: String) -> LoopbackTarget {
        guard let owners = trackingOwners else { return tracking }
        return trackingInstances[owners[TrackingPartitions.partition(ofSession: sessionID)]]
    }
}
