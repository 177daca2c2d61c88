import NIOCore
import Synchronization

/// What one keep-alive connection sends: its requests in order, one at a time, back to back or paced.
public struct ConnectionScript: Sendable {
    public var requests: [PreparedRequest]
    /// Nanoseconds between the starts of two consecutive requests; nil sends the next one as soon as the
    /// last is answered (closed loop). A connection that falls behind its pace sends at once.
    public var interval: UInt64?
    /// Nanoseconds this connection's pace is shifted by, so that paced connections do not all send at once.
    public var offset: UInt64 = 0
    /// When set, the requests are sent again and again, in order, until the signal is raised (the trainers'
    /// reads that run beside a measured phase).
    public var cycleUntil: StopSignal?
    /// Keep each response's body (the preparation reads ids out of them; measured phases do not).
    public var keepBodies: Bool
    /// The instance this connection talks to, when not the load's own target (tracking's instances).
    public var target: LoopbackTarget?

    public init(
        requests: [PreparedRequest], interval: UInt64? = nil, cycleUntil: StopSignal? = nil, keepBodies: Bool = false
    ) {
        self.requests = requests
        self.interval = interval
        self.cycleUntil = cycleUntil
        self.keepBodies = keepBodies
    }
}

/// A flag raised once, read by connections on their event loops.
public final class StopSignal: Sendable {
    private let raised = Atomic<Bool>(false)
    public init() {}
    public func raise() { raised.store(true, ordering: .relaxed) }
    public var isRaised: Bool { raised.load(ordering: .relaxed) }
}

/// What happened to each request a connection sent, in the order sent. Times are `NIODeadline` uptime
/// nanoseconds (`CLOCK_MONOTONIC`), the clock the completion subscriber stamps arrivals with.
public struct ConnectionRecord: Sendable {
    /// Position of the request in its script.
    public var request: [Int32] = []
    public var sentAt: [UInt64] = []
    public var answeredAt: [UInt64] = []
    /// The HTTP status; 0 when the connection was lost before an answer came.
    public var status: [UInt16] = []
    /// The bodies, when the script keeps them (else empty).
    public var bodies: [[UInt8]] = []

    public init() {}

    mutating func reserve(_ count: Int) {
        request.reserveCapacity(count)
        sentAt.reserveCapacity(count)
        answeredAt.reserveCapacity(count)
        status.reserveCapacity(count)
    }
}

/// How a connection's run ended: its script done, or the connection lost with requests still to send.
enum ConnectionEnd: Sendable {
    case finished(ConnectionRecord)
    case lost(ConnectionRecord, next: Int)
}

/// Sends a script's requests on one channel, one in flight at a time, and records each answer's status
/// and time. It parses only what it must: the status code and the body's length.
final class ScriptedConnection: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let script: ConnectionScript
    private var record: ConnectionRecord
    /// Position of the next request to send (it keeps counting through cycles).
    private var next: Int
    /// The pace's origin: request `k` is due at `origin + k × interval`.
    private let origin: UInt64
    private var inFlight = false
    /// Waiting for the pace's timer before the next write.
    private var waiting = false
    private var received: ByteBuffer?
    private var ended = false
    private let end: EventLoopPromise<ConnectionEnd>

    init(
        script: ConnectionScript, record: ConnectionRecord, next: Int, origin: UInt64,
        end: EventLoopPromise<ConnectionEnd>
    ) {
        self.script = script
        self.record = record
        self.next = next
        self.origin = origin
        self.end = end
    }

    func channelActive(context: ChannelHandlerContext) {
        sendNext(context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        if received == nil {
            received = bytes
        } else {
            received!.writeBuffer(&bytes)
        }
        do {
            guard inFlight, let response = try ResponseParser.take(from: &received!, keepBody: script.keepBodies)
            else { return }
            let now = NIODeadline.now().uptimeNanoseconds
            record.answeredAt.append(now)
            record.status.append(response.status)
            if script.keepBodies { record.bodies.append(response.body) }
            inFlight = false
            if received!.readableBytes == 0 { received = nil }
            if response.closes {
                context.close(promise: nil)
            } else {
                sendNext(context)
            }
        } catch {
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !ended {
            ended = true
            if inFlight {
                record.answeredAt.append(NIODeadline.now().uptimeNanoseconds)
                record.status.append(0)
                if script.keepBodies { record.bodies.append([]) }
            }
            end.succeed(isDone ? .finished(record) : .lost(record, next: next))
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private var isDone: Bool {
        if let stop = script.cycleUntil { return stop.isRaised || script.requests.isEmpty }
        return next >= script.requests.count
    }

    private func sendNext(_ context: ChannelHandlerContext) {
        guard !ended, !inFlight, !waiting else { return }
        if isDone {
            ended = true
            end.succeed(.finished(record))
            context.close(promise: nil)
            return
        }
        if let interval = script.interval {
            let due = origin &+ script.offset &+ UInt64(next) &* interval
            if due > NIODeadline.now().uptimeNanoseconds &+ 20_000 {
                waiting = true
                context.eventLoop.assumeIsolated().scheduleTask(deadline: .uptimeNanoseconds(due)) {
                    self.waiting = false
                    self.write(context)
                }
                return
            }
        }
        write(context)
    }

    private func write(_ context: ChannelHandlerContext) {
        guard !ended else { return }
        let index = script.cycleUntil == nil ? next : next % script.requests.count
        next += 1
        inFlight = true
        record.request.append(Int32(index))
        record.sentAt.append(NIODeadline.now().uptimeNanoseconds)
        context.writeAndFlush(wrapOutboundOut(script.requests[index].bytes), promise: nil)
    }
}

/// The few facts of an HTTP/1.1 response the generator needs.
struct ParsedResponse: Equatable {
    var status: UInt16
    var body: [UInt8]
    /// The server said `Connection: close`.
    var closes: Bool
}

struct MalformedResponse: Error {}

/// A minimal HTTP/1.1 response reader: status line, `Content-Length` or chunked body, `Connection: close`.
enum ResponseParser {
    /// Takes one whole response off the front of `buffer`; nil (buffer untouched) while it is incomplete.
    static func take(from buffer: inout ByteBuffer, keepBody: Bool) throws -> ParsedResponse? {
        let view = buffer.readableBytesView
        guard let headEnd = headerEnd(view) else {
            if view.count > 64 * 1024 { throw MalformedResponse() }
            return nil
        }
        let start = view.startIndex
        guard headEnd - start >= 12, view[start + 8] == UInt8(ascii: " ") else { throw MalformedResponse() }
        var status: UInt16 = 0
        for offset in 9..<12 {
            let digit = view[start + offset] &- UInt8(ascii: "0")
            guard digit < 10 else { throw MalformedResponse() }
            status = status * 10 + UInt16(digit)
        }
        var contentLength: Int?
        var chunked = false
        var closes = false
        // Header lines: from after the status line to the blank line.
        var lineStart = (view[start..<headEnd].firstIndex(of: UInt8(ascii: "\n")) ?? headEnd) + 1
        while lineStart < headEnd {
            let lineEnd = view[lineStart..<headEnd].firstIndex(of: UInt8(ascii: "\r")) ?? headEnd
            let line = view[lineStart..<lineEnd]
            if let value = headerValue(line, name: "content-length") {
                contentLength = value.reduce(0) { $0 * 10 + Int($1 &- UInt8(ascii: "0")) }
            } else if let value = headerValue(line, name: "transfer-encoding") {
                chunked = containsLowercased(value, "chunked")
            } else if let value = headerValue(line, name: "connection") {
                closes = containsLowercased(value, "close")
            }
            lineStart = lineEnd + 2
        }
        let bodyStart = headEnd + 4
        if chunked {
            guard let (body, consumed) = try dechunk(view, from: bodyStart, keep: keepBody) else { return nil }
            buffer.moveReaderIndex(forwardBy: consumed - start)
            return ParsedResponse(status: status, body: body, closes: closes)
        }
        let length = contentLength ?? 0
        guard view.endIndex - bodyStart >= length else { return nil }
        let body = keepBody ? Array(view[bodyStart..<(bodyStart + length)]) : []
        buffer.moveReaderIndex(forwardBy: bodyStart + length - start)
        return ParsedResponse(status: status, body: body, closes: closes)
    }

    /// Index of the `\r\n\r\n` ending the head.
    private static func headerEnd(_ view: ByteBufferView) -> Int? {
        var index = view.startIndex
        let last = view.endIndex - 4
        while index <= last {
            if view[index + 3] != 10 {
                index += 1
                continue
            }
            if view[index] == 13, view[index + 1] == 10, view[index + 2] == 13 { return index }
            index += 1
        }
        return nil
    }

    /// The trimmed value of a header line if its name is `name` (lowercase, compared case-insensitively).
    private static func headerValue(_ line: ByteBufferView.SubSequence, name: StaticString) -> ArraySlice<UInt8>? {
        let count = name.utf8CodeUnitCount
        guard line.count > count, line[line.startIndex + count] == UInt8(ascii: ":") else { return nil }
        let matches = name.withUTF8Buffer { expected in
            var position = line.startIndex
            for byte in expected {
                guard line[position] | 0x20 == byte else { return false }
                position += 1
            }
            return true
        }
        guard matches else { return nil }
        let value = Array(line[(line.startIndex + count + 1)...])
        let trimmed = value.drop { $0 == 32 || $0 == 9 }
        return trimmed.prefix { $0 != 32 && $0 != 9 && $0 != 13 }
    }

    private static func containsLowercased(_ value: ArraySlice<UInt8>, _ word: String) -> Bool {
        String(decoding: value, as: UTF8.self).lowercased().contains(word)
    }

    /// The body of a chunked message starting at `from`, and the index just past it; nil while incomplete.
    private static func dechunk(_ view: ByteBufferView, from: Int, keep: Bool) throws -> ([UInt8], Int)? {
        var body: [UInt8] = []
        var position = from
        while true {
            guard let lineEnd = view[position...].firstIndex(of: 13), lineEnd + 1 < view.endIndex else { return nil }
            var size = 0
            for byte in view[position..<lineEnd] {
                guard let digit = hexValue(byte) else { break }  // chunk extensions after ';' are ignored
                size = size * 16 + digit
                guard size < 1 << 30 else { throw MalformedResponse() }
            }
            let dataStart = lineEnd + 2
            if size == 0 {
                // No trailers are expected: the last chunk is followed by one blank line.
                guard view.endIndex - dataStart >= 2 else { return nil }
                return (body, dataStart + 2)
            }
            guard view.endIndex - dataStart >= size + 2 else { return nil }
            if keep { body.append(contentsOf: view[dataStart..<(dataStart + size)]) }
            position = dataStart + size + 2
        }
    }

    private static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return Int(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return Int(byte - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }
}
