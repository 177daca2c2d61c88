import NIOCore

/// One HTTP/1.1 request, already serialised: the connection writes these bytes as they are.
///
/// Requests are built before a phase starts, so that during the measurement the generator only writes
/// buffers and reads status lines: its own CPU per request stays far below the services'.
public struct PreparedRequest: Sendable {
    public var bytes: ByteBuffer
    /// What the request stands for in the phase's counts: 1 for a progress report, 50 for a batch of 50
    /// xAPI statements.
    public var events: Int
    /// The service it is meant for.
    public var target: LoopbackTarget

    public init(
        method: String, path: String, target: LoopbackTarget, bearer: String?, json body: String? = nil,
        contentType: String = "application/json", extraHeaders: [(String, String)] = [], events: Int = 1
    ) {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: \(target.authority)\r\n"
        if let bearer { head += "Authorization: Bearer \(bearer)\r\n" }
        for (name, value) in extraHeaders { head += "\(name): \(value)\r\n" }
        let payload = body.map { Array($0.utf8) } ?? []
        if body != nil { head += "Content-Type: \(contentType)\r\n" }
        head += "Content-Length: \(payload.count)\r\n\r\n"
        var buffer = ByteBufferAllocator().buffer(capacity: head.utf8.count + payload.count)
        buffer.writeString(head)
        buffer.writeBytes(payload)
        self.bytes = buffer
        self.events = events
        self.target = target
    }
}
