import Foundation
import Hummingbird
import Logging
import Messaging

/// Background work that consumes events: the service's ``EventConsumer``s now (tracking's partition host restarts
/// its consumer when partitions move, so the set is asked for each time).
public protocol EventConsumerHosting: Sendable {
    var eventConsumers: [EventConsumer] { get }
}

extension EventConsumer: EventConsumerHosting {
    public var eventConsumers: [EventConsumer] { [self] }
}

/// `GET /consumers`, `POST /consumers/pause`, `POST /consumers/resume` (operators), on every service: how far this
/// instance's consumers are behind, queue by queue, and the operator's pause of them (``ConsumptionSwitch``) — to
/// investigate a poison flood or a slow downstream, or to let a backlog build on purpose, while HTTP keeps answering.
struct ConsumerRoutes: Sendable {
    let service: String
    let consumption: ConsumptionSwitch
    let transport: any MessageTransport
    let hosts: [any EventConsumerHosting]

    struct Pause: Codable, Sendable {
        var since: Date
        var reason: String
        var by: String
    }

    struct Queue: Encodable, Sendable {
        var queue: String
        /// Messages ready in the queue now (nil when the bus did not answer).
        var depth: Int?
        /// Whether this instance's consumer is attached to the queue now.
        var attached: Bool
        var lastHandledAt: Date?
        /// How old the last event handled was when it was handled.
        var lagSeconds: Double?
        /// Every event sent to the queue before this instant is applied (sampled every few seconds).
        var appliedThrough: Date?
        /// How far `appliedThrough` was behind at its last sample (`magistere_consumer_behind_seconds`).
        var behindSeconds: Double?
    }

    struct View: Encodable, Sendable {
        var service: String
        /// The pause in force on this instance, absent while consuming.
        var paused: Pause?
        var queues: [Queue]
    }

    struct PauseRequest: Decodable, Sendable {
        var reason: String
    }

    func addRoutes(to router: some RouterMethods<ServiceRequestContext>) {
        let router = router.group("consumers").add(middleware: NoQueryParameters())
        router.get { _, _ in JSONResponse(await self.view()) }
        router.post("pause") { request, context in
            let asked = try await JSONBody.decode(PauseRequest.self, from: request)
            let reason = asked.reason.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !reason.isEmpty else { throw Problem.invalid("reason", "say why consumption is paused") }
            let by = context.caller?.subject ?? ""
            let pause = consumption.pause(reason: reason, by: by)
            context.logger.notice(
                "consumers paused",
                metadata: ["service": "\(service)", "reason": "\(pause.reason)", "by": "\(pause.by)"])
            return JSONResponse(await self.view())
        }
        router.post("resume") { _, context in
            if let ended = consumption.resume() {
                context.logger.notice(
                    "consumers resumed",
                    metadata: [
                        "service": "\(service)", "by": "\(context.caller?.subject ?? "")",
                        "pausedSeconds": "\(Int(Date().timeIntervalSince(ended.since)))",
                    ])
            }
            return JSONResponse(await self.view())
        }
    }

    func view() async -> View {
        var queues: [Queue] = []
        for consumer in hosts.flatMap(\.eventConsumers) {
            let attached = consumer.isAttached
            for subscription in consumer.subscriptions {
                let queue = subscription.queue
                queues.append(
                    Queue(
                        queue: queue, depth: try? await transport.depth(of: queue), attached: attached,
                        lastHandledAt: consumer.lastHandled(queue: queue),
                        lagSeconds: consumer.lagSeconds(queue: queue),
                        appliedThrough: consumer.appliedThrough(queue: queue),
                        behindSeconds: consumer.behindSeconds(queue: queue)))
            }
        }
        return View(
            service: service,
            paused: consumption.pause.map { Pause(since: $0.since, reason: $0.reason, by: $0.by) },
            queues: queues.sorted { $0.queue < $1.queue })
    }
}
