import GRDB
import Logging

/// W3C trace context (`traceparent`, https://www.w3.org/TR/trace-context/): which trace a piece of work
/// belongs to, and which span caused it.
///
/// The platform carries it from an HTTP request (its `traceparent` header, or a new trace) through every
/// event that request's transaction appends to the outbox (the CloudEvent's `traceparent` attribute and the
/// AMQP header of the same name), into the consumer that handles such an event, and on into the events *that*
/// handler appends: a subscriber that receives `tracking.course.completed.v1` can name the progress report
/// that caused it, and every service's logs of the chain carry the same `trace.id`.
///
/// The current context is a task-local value (``current``). Store writes run their bodies on another thread
/// (GRDB's writer, a group commit's leader): ``carried(_:)`` binds the caller's context around such a body.
public struct TraceContext: Sendable, Hashable, CustomStringConvertible {
    /// 32 lowercase hexadecimal digits, not all zero.
    public let traceID: String
    /// 16 lowercase hexadecimal digits, not all zero: the span that caused what carries this context.
    public let spanID: String
    /// 2 hexadecimal digits; `01` is "sampled".
    public let flags: String

    /// The context of the work in progress, if any.
    @TaskLocal public static var current: TraceContext?

    /// `trace.id` (and the span's `trace.span`) of the work in progress, for a log line written by a logger that
    /// does not carry them already (an event handler's).
    public static var logMetadata: Logger.Metadata {
        guard let current else { return [:] }
        return ["trace.id": "\(current.traceID)", "trace.span": "\(current.spanID)"]
    }

    /// Parses a `traceparent` header; nil when it is not a valid one (then a new trace starts).
    ///
    /// Version `00` must be exactly `00-<trace-id>-<parent-id>-<flags>`; a later version may append fields,
    /// which are ignored; version `ff` and all-zero ids are invalid.
    public init?(traceparent: String) {
        let utf8 = Array(traceparent.utf8)
        guard utf8.count >= 55, utf8[2] == UInt8(ascii: "-"), utf8[35] == UInt8(ascii: "-"),
            utf8[52] == UInt8(ascii: "-")
        else { return nil }
        let version = String(decoding: utf8[0..<2], as: UTF8.self)
        guard Self.isHex(version), version != "ff", version != "00" || utf8.count == 55,
            utf8.count == 55 || utf8[55] == UInt8(ascii: "-")
        else { return nil }
        let trace = String(decoding: utf8[3..<35], as: UTF8.self)
        let span = String(decoding: utf8[36..<52], as: UTF8.self)
        let flags = String(decoding: utf8[53..<55], as: UTF8.self)
        guard Self.isHex(trace), Self.isHex(span), Self.isHex(flags), trace.contains(where: { $0 != "0" }),
            span.contains(where: { $0 != "0" })
        else { return nil }
        self.traceID = trace
        self.spanID = span
        self.flags = flags
    }

    private init(traceID: String, spanID: String, flags: String) {
        self.traceID = traceID
        self.spanID = spanID
        self.flags = flags
    }

    /// A new trace (random ids, sampled).
    public static func new() -> TraceContext {
        TraceContext(traceID: randomHex(bytes: 16), spanID: randomHex(bytes: 8), flags: "01")
    }

    /// The same trace, a new span: the context of work caused by this one.
    public func child() -> TraceContext {
        TraceContext(traceID: traceID, spanID: Self.randomHex(bytes: 8), flags: flags)
    }

    /// The `traceparent` header value (version 00).
    public var traceparent: String { "00-\(traceID)-\(spanID)-\(flags)" }

    public var description: String { traceparent }

    /// `body` bound to the caller's current context, for a closure that another thread runs later.
    public static func carried<T>(
        _ body: @escaping @Sendable (Database) throws -> T
    ) -> @Sendable (Database) throws -> T {
        guard let trace = current else { return body }
        return { db in try $current.withValue(trace) { try body(db) } }
    }

    private static func isHex(_ text: String) -> Bool {
        text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// `bytes` random bytes (a multiple of 8) as lowercase hex, never all zero.
    private static func randomHex(bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        while true {
            var digits = [UInt8]()
            digits.reserveCapacity(bytes * 2)
            var any: UInt64 = 0
            for _ in 0..<(bytes / 8) {
                let word = generator.next()
                any |= word
                for shift in stride(from: 60, through: 0, by: -4) {
                    digits.append(hexDigits[Int((word >> UInt64(shift)) & 0xf)])
                }
            }
            if any != 0 { return String(decoding: digits, as: UTF8.self) }
        }
    }
}
