import Contracts
import Foundation
import Logging
import ServiceLifecycle

/// `POST /replays`'s body, on every service that sends its events again to a subscriber (issue 17): "send again to
/// my queue the `<event type>` of academy X since T" — rebuilt from the service's durable records, with the events'
/// original ids and times, so that the subscriber's inbox drops what it already had.
public struct ReplayRequest: Codable, Sendable, Equatable {
    public var eventType: String
    /// The academy whose events are replayed; absent: the caller's (every academy for a national subscriber).
    public var academy: String?
    /// Events recorded at or after this instant.
    public var since: Date
    /// Events recorded before this instant; absent: up to the request.
    public var until: Date?
    /// The subscriber's own queue, named `subscriber.<subscriber>.<anything>` (see ``ReplayRules/queuePrefix(of:)``).
    public var queue: String

    public init(eventType: String, academy: String? = nil, since: Date, until: Date? = nil, queue: String) {
        self.eventType = eventType
        self.academy = academy
        self.since = since
        self.until = until
        self.queue = queue
    }
}

/// A request checked against what the service replays and what the caller's token allows: what is replayed, to
/// whom.
public struct ReplayScope: Codable, Sendable, Equatable {
    /// The subscriber (its token's subject).
    public var subscriber: String
    public var eventType: String
    /// Nil: every academy (a national subscriber's).
    public var academy: String?
    public var since: Date
    /// The request's `until`, or the time of the request (never later).
    public var until: Date
    public var queue: String

    /// What a service logs when it accepts a replay (its audit: who asked for what).
    public func logMetadata(replayID: String) -> Logger.Metadata {
        [
            "replay.id": "\(replayID)", "subscriber": "\(subscriber)", "event.type": "\(eventType)",
            "academy": "\(academy ?? "all")", "since": "\(Timestamp.format(since))", "queue": "\(queue)",
        ]
    }

    public init(subscriber: String, eventType: String, academy: String?, since: Date, until: Date, queue: String) {
        self.subscriber = subscriber
        self.eventType = eventType
        self.academy = academy
        self.since = since
        self.until = until
        self.queue = queue
    }
}

/// The rules every service's replays follow: who may ask for what, how much at once.
public enum ReplayRules {
    /// The longest period one replay covers.
    public static let maximumDays = 400
    /// Replays of one subscriber running at once (per instance of the service).
    public static let maximumRunning = 2
    /// A replay still running after this long no longer counts against its subscriber's limit.
    public static let staleAfter: TimeInterval = 24 * 3600
    /// Events sent per second by an instance's replays together: live traffic keeps the broker and the stores.
    public static let eventsPerSecond = 500
    /// A replay's chunk that cannot be sent (its queue refuses: deleted, full, the broker restarting) is tried again
    /// after ``retryDelay(afterAttempt:)``, and the replay (or tracking's part) fails after this many attempts.
    public static let maximumAttempts = 8

    /// How long to wait after failed attempt number `attempt`: 1, 2, 4 … 64 s (the first seven add up to about two
    /// minutes: a broker restart is waited out).
    public static func retryDelay(afterAttempt attempt: Int) -> TimeInterval {
        Double(1 << min(max(attempt, 1) - 1, 6))
    }

    /// Where a subscriber's queues are: `subscriber.<its id>.` — never one of the platform's queues, never another
    /// subscriber's (subscriber ids have no dot).
    public static func queuePrefix(of subscriber: String) -> String { "subscriber.\(subscriber)." }

    /// Checks `request` for `caller` at `now`: 422 naming each wrong field (an event type `service` does not replay,
    /// a period in the future, reversed or longer than ``maximumDays``, a queue not the caller's); 403 when the
    /// token does not name the event type or the academy. Throws the ``Problem``.
    public static func check(
        _ request: ReplayRequest, by caller: Caller, replayable: [EventType], service: String, now: Date
    ) throws -> ReplayScope {
        var violations: [Problem.FieldError] = []
        let names = replayable.map(\.rawValue)
        if !names.contains(request.eventType) {
            violations.append(
                .init(field: "eventType", problem: "\(service) replays \(names.joined(separator: " and "))"))
        }
        let until = min(request.until ?? now, now)
        if request.since > now { violations.append(.init(field: "since", problem: "must not be in the future")) }
        if until <= request.since { violations.append(.init(field: "until", problem: "must come after since")) }
        if until.timeIntervalSince(request.since) > Double(maximumDays) * 86_400 {
            violations.append(
                .init(field: "until", problem: "a replay covers at most \(maximumDays) days: ask for several"))
        }
        let prefix = queuePrefix(of: caller.subject)
        if !request.queue.hasPrefix(prefix) || request.queue.count > 200 || request.queue.count == prefix.count
            || !request.queue.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._:-".contains($0)) })
        {
            violations.append(
                .init(field: "queue", problem: "must be one of your queues: '\(prefix)' then letters, digits, . _ : -"))
        }
        guard violations.isEmpty else { throw Problem.validation(violations) }
        // Queues are named after the subscriber: a dot in its id would make one subscriber's prefix another's.
        guard !caller.subject.contains(".") else {
            throw Problem.forbidden("a subscriber's id (the token's subject) has no dot: its queues are named after it")
        }
        guard caller.events.contains(request.eventType) else {
            throw Problem.forbidden("your token does not name \(request.eventType) among the events you receive")
        }
        let academy = request.academy ?? caller.academy
        if let academy, !caller.actsFor(academy: academy) {
            throw Problem.forbidden("your token is for academy \(caller.academy ?? "?"), not \(academy)")
        }
        guard academy != nil || caller.isNational else {
            throw Problem.forbidden("only a national subscriber replays every academy: name yours")
        }
        return ReplayScope(
            subscriber: caller.subject, eventType: request.eventType, academy: academy, since: request.since,
            until: until, queue: request.queue)
    }

    /// Runs `step` (send a chunk, return how many events it sent) until the service shuts down, pausing after each
    /// chunk long enough to keep to `eventsPerSecond`, half a second when there was nothing to send. A replay
    /// interrupted by the shutdown resumes from its saved cursor.
    public static func pace(eventsPerSecond: Int, _ step: @escaping @Sendable () async -> Int) async throws {
        do {
            try await cancelWhenGracefulShutdown {
                while true {
                    let sent = await step()
                    try await Task.sleep(
                        for: sent > 0 ? .seconds(Double(sent) / Double(eventsPerSecond)) : .milliseconds(500))
                }
            }
        } catch is CancellationError {
            // Shutting down.
        }
    }

    /// 429: `running` of the subscriber's replays are still running.
    public static func tooManyRunning(_ running: Int) -> Problem {
        Problem(
            .tooManyRequests, kind: "too-many-running", title: "Too many requests still running",
            detail: "\(running) of your replays are still running here: wait for one to finish (GET /replays/{id})",
            headers: [.retryAfter: "60"])
    }
}
