import Foundation
import Logging
import Messaging
import NIOCore
import Synchronization

/// What the broker alone does on this machine, in the same run as the campaign.
public struct RawBrokerReport: Codable, Sendable {
    public var messages: Int
    public var bodyBytes: Int
    public var queueType: String
    /// Messages published per confirm window (the outbox relay's batch).
    public var window: Int
    /// From the first publish to the last confirm.
    public var publishSeconds: Double
    public var publishedPerSecond: Double
    /// From the first publish to the last message consumed and handed to the acknowledger.
    public var endToEndSeconds: Double
    public var endToEndPerSecond: Double
}

/// Persistent messages with publisher confirms through one queue, no service in between: a publisher
/// sending windows of `window` messages (each awaited until the broker confirmed all of it) while a consumer
/// on another connection takes and acknowledges them. It goes through the project's own AMQP transport
/// (rabbitmq-c, one owner thread per connection), as the services' outbox relays and consumers do.
struct RawBrokerMeasurement {
    let endpoint: AMQPEndpoint
    let queueType: AMQPTopology.QueueType
    let runID: String
    let messages: Int
    let window: Int
    let logger: Logger

    /// A CloudEvent of the platform is 600–800 bytes: the raw messages weigh as much.
    static let bodyBytes = 700

    func run() async throws -> RawBrokerReport {
        let topology = AMQPTopology(exchange: "loadgen.raw.\(runID)", queueType: queueType)
        let transport = AMQPTransport(endpoint: endpoint, topology: topology, logger: logger)
        defer { transport.close() }
        let routingKey = "loadgen.raw.v1"
        let subscription = Subscription(
            queue: "loadgen.\(runID).raw", bindings: [routingKey], prefetch: 512,
            retry: CompletionSubscriber.noRetry)
        try await transport.declare(subscription)
        let body = Data(repeating: UInt8(ascii: "x"), count: Self.bodyBytes)
        let now = Date()
        let batches = stride(from: 0, to: messages, by: window).map { first in
            (first..<min(first + window, messages)).map { index in
                Message(
                    id: "\(runID)-raw-\(index)", type: routingKey, source: "loadgen", subject: nil, time: now,
                    body: body)
            }
        }
        let consumed = ConsumedTally()
        let total = messages
        let start = NIODeadline.now().uptimeNanoseconds
        var published: UInt64 = 0
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask {
                try await transport.consume(subscription) { _ in
                    let now = NIODeadline.now().uptimeNanoseconds
                    consumed.state.withLock { state in
                        state.count += 1
                        if state.count == total { state.last = now }
                    }
                    return .ack
                }
            }
            defer { tasks.cancelAll() }
            for batch in batches { try await transport.publish(batch) }
            published = NIODeadline.now().uptimeNanoseconds
            let deadline = ContinuousClock.now + .seconds(120)
            while consumed.state.withLock({ $0.count }) < total {
                guard ContinuousClock.now < deadline else {
                    throw CampaignError(
                        "the raw broker measurement consumed only \(consumed.state.withLock { $0.count })")
                }
                try await Task.sleep(for: .milliseconds(5))
            }
        }
        let publishSeconds = Double(published - start) / 1e9
        let endToEndSeconds = Double(consumed.state.withLock { $0.last } - start) / 1e9
        return RawBrokerReport(
            messages: messages, bodyBytes: Self.bodyBytes, queueType: queueType.rawValue, window: window,
            publishSeconds: publishSeconds, publishedPerSecond: Double(messages) / publishSeconds,
            endToEndSeconds: endToEndSeconds, endToEndPerSecond: Double(messages) / endToEndSeconds)
    }
}

/// Messages consumed so far, and when the last expected one came.
private final class ConsumedTally: Sendable {
    let state = Mutex((count: 0, last: UInt64(0)))
}
