import CRabbitMQ
import Foundation

/// A failure of the AMQP connection or of a broker operation.
struct AMQPError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Another connection holds the exclusive lease queue (see ``AMQPSession/takeLease(_:)``).
struct AMQPLeaseHeld: Error, CustomStringConvertible {
    var lease: String
    var description: String { "the lease \(lease) is held by another connection" }
}

/// A value in an AMQP field table (queue arguments, message headers).
enum AMQPField: Equatable {
    case string(String)
    case int(Int64)
    case bool(Bool)
}

/// One rabbitmq-c connection with its channel 1, used only by the thread that created it.
///
/// Not `Sendable` on purpose: rabbitmq-c connections must stay on one thread. ``AMQPWorker`` owns one.
final class AMQPSession {
    private let state: amqp_connection_state_t
    /// The broker user this connection logged in as: the `user_id` of everything it publishes (RabbitMQ
    /// refuses any other), and how its consumers tell their own retries from others' messages.
    let user: String
    private var open = false
    /// The next publisher-confirm sequence number on channel 1.
    private var nextPublishTag: UInt64 = 1
    /// Whether channel 1 is in confirm mode (publishing connections).
    private let confirms: Bool
    static let channel: amqp_channel_t = 1

    /// The broker node this session is connected to.
    let node: AMQPEndpoint.Node

    /// Connects to the first of the endpoint's nodes that answers, logs in and opens channel 1 (in confirm mode
    /// when `confirms` is true). Throws when no node could be reached, naming each one's failure.
    static func connect(_ endpoint: AMQPEndpoint, heartbeatSeconds: Int32, confirms: Bool) throws -> AMQPSession {
        var failures: [String] = []
        for node in endpoint.nodes {
            do {
                return try AMQPSession(endpoint, node: node, heartbeatSeconds: heartbeatSeconds, confirms: confirms)
            } catch {
                failures.append(endpoint.nodes.count > 1 ? "\(node): \(error)" : "\(error)")
            }
        }
        throw AMQPError(failures.joined(separator: "; "))
    }

    /// Connects to one node of the endpoint.
    private init(_ endpoint: AMQPEndpoint, node: AMQPEndpoint.Node, heartbeatSeconds: Int32, confirms: Bool) throws {
        guard let state = amqp_new_connection() else { throw AMQPError("cannot allocate an AMQP connection") }
        // From here on a throw runs deinit, which destroys the connection (never destroy it twice).
        self.state = state
        self.user = endpoint.user
        self.confirms = confirms
        self.node = node
        let socket: OpaquePointer?
        if endpoint.tls {
            socket = amqp_ssl_socket_new(state)
            if let socket {
                amqp_ssl_socket_set_verify_peer(socket, 1)
                amqp_ssl_socket_set_verify_hostname(socket, 1)
                if let ca = endpoint.caCertificatePath, amqp_ssl_socket_set_cacert(socket, ca) != 0 {
                    throw AMQPError("cannot read the broker CA certificate at \(ca)")
                }
            }
        } else {
            socket = amqp_tcp_socket_new(state)
        }
        guard let socket else {
            throw AMQPError("cannot create a socket")
        }
        // Bound every blocking step: a broker that accepts TCP but does not answer (booting, partitioned)
        // must not hang the owner thread.
        var handshake = timeval(tv_sec: 10, tv_usec: 0)
        amqp_set_handshake_timeout(state, &handshake)
        var rpc = timeval(tv_sec: 15, tv_usec: 0)
        amqp_set_rpc_timeout(state, &rpc)
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        let status = amqp_socket_open_noblock(socket, node.host, Int32(node.port), &timeout)
        guard status == AMQP_STATUS_OK.rawValue else {
            throw AMQPError("cannot reach the broker at \(node): \(Self.statusText(status))")
        }
        let login = magistere_amqp_login_plain(
            state, endpoint.vhost, 0, 131_072, heartbeatSeconds, endpoint.user, endpoint.password)
        if let error = Self.failure(login, "login") {
            throw error
        }
        amqp_channel_open(state, Self.channel)
        if let error = Self.failure(amqp_get_rpc_reply(state), "channel.open") {
            throw error
        }
        if confirms {
            amqp_confirm_select(state, Self.channel)
            if let error = Self.failure(amqp_get_rpc_reply(state), "confirm.select") {
                throw error
            }
        }
        open = true
    }

    deinit {
        if open {
            amqp_channel_close(state, Self.channel, magistere_reply_success)
            amqp_connection_close(state, magistere_reply_success)
        }
        amqp_destroy_connection(state)
    }

    /// Drops the connection without the closing handshake (used after an error).
    func abandon() { open = false }

    // MARK: - Topology

    func declareExchange(_ name: String, type: String) throws {
        try Arena.with { arena in
            amqp_exchange_declare(
                state, Self.channel, arena.bytes(name), arena.bytes(type), 0, 1, 0, 0, amqp_empty_table)
        }
        try check("exchange.declare \(name)")
    }

    func declareQueue(_ name: String, arguments: [(String, AMQPField)]) throws {
        try Arena.with { arena in
            amqp_queue_declare(
                state, Self.channel, arena.bytes(name), 0, 1, 0, 0, arena.table(arguments))
        }
        try check("queue.declare \(name)")
    }

    /// Declares a queue, or leaves alone a queue of that name that exists with other arguments.
    ///
    /// Returns false in the second case. Redeclaring a queue with different arguments is a channel
    /// error (406 PRECONDITION_FAILED) that closes the channel: it is reopened here, so that a queue
    /// an earlier version declared differently does not stop the caller from connecting.
    func declareQueueKeepingExisting(_ name: String, arguments: [(String, AMQPField)]) throws -> Bool {
        _ = Arena.with { arena in
            amqp_queue_declare(
                state, Self.channel, arena.bytes(name), 0, 1, 0, 0, arena.table(arguments))
        }
        let reply = amqp_get_rpc_reply(state)
        if reply.reply_type == AMQP_RESPONSE_SERVER_EXCEPTION, reply.reply.id == magistere_channel_close_method {
            let close = reply.reply.decoded.assumingMemoryBound(to: amqp_channel_close_t.self).pointee
            if Int32(close.reply_code) == magistere_precondition_failed {
                try reopenChannel()
                return false
            }
        }
        if let error = Self.failure(reply, "queue.declare \(name)") { throw error }
        return true
    }

    /// Acknowledges the broker's closing of channel 1 and opens it again, in confirm mode if it was.
    private func reopenChannel() throws {
        var closeOK = amqp_channel_close_ok_t()
        let status = amqp_send_method(state, Self.channel, magistere_channel_close_ok_method, &closeOK)
        guard status == AMQP_STATUS_OK.rawValue else {
            throw AMQPError("channel.close-ok failed: \(Self.statusText(status))")
        }
        amqp_channel_open(state, Self.channel)
        try check("channel.open")
        if confirms {
            amqp_confirm_select(state, Self.channel)
            try check("confirm.select")
            // Publish sequence numbers start again at 1 on a channel newly in confirm mode.
            nextPublishTag = 1
        }
    }

    func bind(queue: String, exchange: String, routingKey: String) throws {
        try Arena.with { arena in
            amqp_queue_bind(
                state, Self.channel, arena.bytes(queue), arena.bytes(exchange), arena.bytes(routingKey),
                amqp_empty_table)
        }
        try check("queue.bind \(queue) \(routingKey)")
    }

    func messageCount(queue: String) throws -> Int {
        let ok = try Arena.with { arena in
            amqp_queue_declare(state, Self.channel, arena.bytes(queue), 1, 0, 0, 0, amqp_empty_table)
        }
        try check("queue.declare passive \(queue)")
        return Int(ok?.pointee.message_count ?? 0)
    }

    // MARK: - Publishing with confirms

    /// Publishes every message as `mandatory`, then waits until the broker confirmed all of them.
    ///
    /// Returns the positions (in `items`) of the messages the broker handed back with `basic.return`:
    /// no queue was bound to take them. Without `mandatory` the broker confirms such a message and
    /// drops it, and the caller would believe it delivered. On a confirm channel the broker sends a
    /// publish's return before its ack, so once every publish is confirmed every return has been read.
    @discardableResult
    func publishConfirmed(
        _ items: [(exchange: String, routingKey: String, message: Message)], timeout: Duration
    )
        throws -> [Int]
    {
        guard !items.isEmpty else { return [] }
        let firstTag = nextPublishTag
        var unconfirmed = Set<UInt64>()
        for item in items {
            let status = Arena.with { arena in
                var properties = arena.properties(for: item.message, user: user)
                return amqp_basic_publish(
                    state, Self.channel, arena.bytes(item.exchange), arena.bytes(item.routingKey), 1, 0,
                    &properties, arena.bytes(item.message.body))
            }
            guard status == AMQP_STATUS_OK.rawValue else {
                throw AMQPError("basic.publish failed: \(Self.statusText(status))")
            }
            unconfirmed.insert(nextPublishTag)
            nextPublishTag += 1
        }
        var returned = Set<Int>()
        let deadline = ContinuousClock.now + timeout
        while !unconfirmed.isEmpty {
            guard ContinuousClock.now < deadline else {
                throw AMQPError("no publisher confirm for \(unconfirmed.count) message(s) within \(timeout)")
            }
            var frame = amqp_frame_t()
            var wait = timeval(tv_sec: 0, tv_usec: 200_000)
            let status = amqp_simple_wait_frame_noblock(state, &frame, &wait)
            if status == AMQP_STATUS_TIMEOUT.rawValue { continue }
            guard status == AMQP_STATUS_OK.rawValue else {
                throw AMQPError("connection lost while waiting for confirms: \(Self.statusText(status))")
            }
            guard frame.frame_type == magistere_frame_method else { continue }
            switch frame.payload.method.id {
            case magistere_basic_ack_method:
                let ack = frame.payload.method.decoded.assumingMemoryBound(to: amqp_basic_ack_t.self).pointee
                if ack.multiple != 0 {
                    unconfirmed = unconfirmed.filter { $0 > ack.delivery_tag }
                } else {
                    unconfirmed.remove(ack.delivery_tag)
                }
            case magistere_basic_return_method:
                let returnedMessage = try readReturn(frame.payload.method)
                // Returns come in publishing order: the first still unconfirmed, not yet returned publish
                // with that address and id is the one (a batch may hold the same message twice).
                let index = items.indices.first { index in
                    !returned.contains(index) && unconfirmed.contains(firstTag + UInt64(index))
                        && items[index].exchange == returnedMessage.exchange
                        && items[index].routingKey == returnedMessage.routingKey
                        && items[index].message.id == returnedMessage.messageID
                }
                if let index { returned.insert(index) }
            case magistere_basic_nack_method:
                throw AMQPError("the broker refused a published message (basic.nack)")
            case magistere_channel_close_method, magistere_connection_close_method:
                throw AMQPError("the broker closed the connection: \(Self.closeReason(frame.payload.method))")
            default:
                continue
            }
        }
        return returned.sorted()
    }

    /// Reads the content of a `basic.return` whose method frame was just received.
    private func readReturn(_ method: amqp_method_t) throws -> (exchange: String, routingKey: String, messageID: String)
    {
        // Copied before reading on: the decoded method lives in the connection's frame memory.
        let info = method.decoded.assumingMemoryBound(to: amqp_basic_return_t.self).pointee
        let exchange = Self.string(info.exchange)
        let routingKey = Self.string(info.routing_key)
        var message = amqp_message_t()
        let read = amqp_read_message(state, Self.channel, &message, 0)
        if let error = Self.failure(read, "read returned message") { throw error }
        defer { amqp_destroy_message(&message) }
        let id =
            message.properties._flags & magistere_flag_message_id != 0 ? Self.string(message.properties.message_id) : ""
        return (exchange, routingKey, id)
    }

    /// Services heartbeats and notices a dead connection while the owner thread is idle.
    func idle(for microseconds: Int) throws {
        var frame = amqp_frame_t()
        var wait = timeval(tv_sec: 0, tv_usec: microseconds)
        let status = amqp_simple_wait_frame_noblock(state, &frame, &wait)
        if status == AMQP_STATUS_TIMEOUT.rawValue { return }
        guard status == AMQP_STATUS_OK.rawValue else {
            throw AMQPError("connection lost: \(Self.statusText(status))")
        }
        if frame.frame_type == magistere_frame_method,
            frame.payload.method.id == magistere_channel_close_method
                || frame.payload.method.id == magistere_connection_close_method
        {
            throw AMQPError("the broker closed the connection: \(Self.closeReason(frame.payload.method))")
        }
    }

    // MARK: - Consuming

    /// Sets the prefetch of each consumer started afterwards on this channel.
    func setPrefetch(_ prefetch: Int) throws {
        amqp_basic_qos(state, Self.channel, 0, UInt16(clamping: prefetch), 0)
        try check("basic.qos")
    }

    /// Starts consuming `queue`; its deliveries carry the queue's name as consumer tag.
    func consume(queue: String) throws {
        try Arena.with { arena in
            amqp_basic_consume(
                state, Self.channel, arena.bytes(queue), arena.bytes(queue), 0, 0, 0, amqp_empty_table)
        }
        try check("basic.consume \(queue)")
    }

    /// Declares the exclusive, auto-deleted queue `name` on this connection: a lease that lives as long as the
    /// connection does. Throws ``AMQPLeaseHeld`` when another connection holds it (405 RESOURCE_LOCKED).
    func takeLease(_ name: String) throws {
        _ = Arena.with { arena in
            amqp_queue_declare(
                state, Self.channel, arena.bytes(name), 0, 0, 1, 1,
                arena.table([("x-queue-type", .string("classic"))]))
        }
        let reply = amqp_get_rpc_reply(state)
        if reply.reply_type == AMQP_RESPONSE_SERVER_EXCEPTION, reply.reply.id == magistere_channel_close_method {
            let close = reply.reply.decoded.assumingMemoryBound(to: amqp_channel_close_t.self).pointee
            if Int32(close.reply_code) == magistere_resource_locked {
                try reopenChannel()
                throw AMQPLeaseHeld(lease: name)
            }
        }
        if let error = Self.failure(reply, "queue.declare exclusive \(name)") { throw error }
    }

    /// Waits up to `microseconds` for the next delivery; nil on timeout.
    func nextDelivery(
        microseconds: Int
    ) throws -> (
        tag: UInt64, message: Message, attempt: Int, redelivered: Bool, consumerTag: String
    )? {
        amqp_maybe_release_buffers(state)
        var envelope = amqp_envelope_t()
        var wait = timeval(tv_sec: 0, tv_usec: microseconds)
        let reply = amqp_consume_message(state, &envelope, &wait, 0)
        switch reply.reply_type {
        case AMQP_RESPONSE_NORMAL:
            defer { amqp_destroy_envelope(&envelope) }
            let decoded = Self.decode(
                properties: envelope.message.properties, body: envelope.message.body,
                routingKey: Self.string(envelope.routing_key), connectionUser: user)
            let redelivered = envelope.redelivered != 0 || decoded.deliveryCount > 0
            return (
                envelope.delivery_tag, decoded.message, decoded.attempt, redelivered,
                Self.string(envelope.consumer_tag)
            )
        case AMQP_RESPONSE_LIBRARY_EXCEPTION where reply.library_error == AMQP_STATUS_TIMEOUT.rawValue:
            return nil
        case AMQP_RESPONSE_LIBRARY_EXCEPTION where reply.library_error == AMQP_STATUS_UNEXPECTED_STATE.rawValue:
            var frame = amqp_frame_t()
            var wait = timeval(tv_sec: 1, tv_usec: 0)
            let status = amqp_simple_wait_frame_noblock(state, &frame, &wait)
            if status == AMQP_STATUS_TIMEOUT.rawValue { return nil }
            guard status == AMQP_STATUS_OK.rawValue else {
                throw AMQPError("connection lost: \(Self.statusText(status))")
            }
            if frame.frame_type == magistere_frame_method {
                switch frame.payload.method.id {
                case magistere_channel_close_method, magistere_connection_close_method:
                    throw AMQPError("the broker closed the connection: \(Self.closeReason(frame.payload.method))")
                case magistere_basic_cancel_method:
                    throw AMQPError("the broker cancelled the consumer (queue deleted?)")
                default:
                    return nil
                }
            }
            return nil
        default:
            throw Self.failure(reply, "basic.consume") ?? AMQPError("unexpected reply while consuming")
        }
    }

    func ack(_ tag: UInt64, multiple: Bool = false) throws {
        let status = amqp_basic_ack(state, Self.channel, tag, multiple ? 1 : 0)
        guard status == AMQP_STATUS_OK.rawValue else { throw AMQPError("basic.ack failed: \(Self.statusText(status))") }
    }

    func nack(_ tag: UInt64, multiple: Bool, requeue: Bool) throws {
        let status = amqp_basic_nack(state, Self.channel, tag, multiple ? 1 : 0, requeue ? 1 : 0)
        guard status == AMQP_STATUS_OK.rawValue else {
            throw AMQPError("basic.nack failed: \(Self.statusText(status))")
        }
    }

    /// Takes the head message of a queue without consuming it (basic.get, manual ack); nil when empty.
    func get(queue: String) throws -> (tag: UInt64, message: Message, attempt: Int)? {
        let reply = Arena.with { arena in amqp_basic_get(state, Self.channel, arena.bytes(queue), 0) }
        if let error = Self.failure(reply, "basic.get \(queue)") { throw error }
        guard reply.reply.id == magistere_basic_get_ok_method else { return nil }
        let ok = reply.reply.decoded.assumingMemoryBound(to: amqp_basic_get_ok_t.self).pointee
        var message = amqp_message_t()
        let read = amqp_read_message(state, Self.channel, &message, 0)
        if let error = Self.failure(read, "read message") { throw error }
        defer { amqp_destroy_message(&message) }
        let decoded = Self.decode(
            properties: message.properties, body: message.body, routingKey: Self.string(ok.routing_key),
            connectionUser: user)
        return (ok.delivery_tag, decoded.message, decoded.attempt)
    }

    // MARK: - Helpers

    private func check(_ context: String) throws {
        if let error = Self.failure(amqp_get_rpc_reply(state), context) { throw error }
    }

    static func failure(_ reply: amqp_rpc_reply_t, _ context: String) -> AMQPError? {
        switch reply.reply_type {
        case AMQP_RESPONSE_NORMAL:
            return nil
        case AMQP_RESPONSE_NONE:
            return AMQPError("\(context): missing RPC reply")
        case AMQP_RESPONSE_LIBRARY_EXCEPTION:
            return AMQPError("\(context): \(statusText(reply.library_error))")
        case AMQP_RESPONSE_SERVER_EXCEPTION:
            return AMQPError("\(context): broker error \(closeReason(reply.reply))")
        default:
            return AMQPError("\(context): unknown reply")
        }
    }

    static func closeReason(_ method: amqp_method_t) -> String {
        switch method.id {
        case magistere_connection_close_method:
            let close = method.decoded.assumingMemoryBound(to: amqp_connection_close_t.self).pointee
            return "\(close.reply_code) \(string(close.reply_text))"
        case magistere_channel_close_method:
            let close = method.decoded.assumingMemoryBound(to: amqp_channel_close_t.self).pointee
            return "\(close.reply_code) \(string(close.reply_text))"
        default:
            return "method \(method.id)"
        }
    }

    static func statusText(_ status: Int32) -> String {
        String(cString: amqp_error_string2(status))
    }

    static func string(_ bytes: amqp_bytes_t) -> String {
        guard let pointer = bytes.bytes, bytes.len > 0 else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: pointer, count: bytes.len), as: UTF8.self)
    }

    static func data(_ bytes: amqp_bytes_t) -> Data {
        guard let pointer = bytes.bytes, bytes.len > 0 else { return Data() }
        return Data(bytes: pointer, count: bytes.len)
    }

    /// The platform's message in an AMQP delivery.
    ///
    /// Who published it (``Message/publishedBy``) comes from the `user_id` RabbitMQ checked against the
    /// publisher's connection. A message published under this connection's own user is one of its service's
    /// retries or replays: its `x-magistere-published-by` header, set from the original `user_id` at first
    /// receipt, is kept. From anyone else the header is whatever the broker vouches for, never what they wrote.
    private static func decode(
        properties: amqp_basic_properties_t, body: amqp_bytes_t, routingKey: String, connectionUser: String
    ) -> (message: Message, attempt: Int, deliveryCount: Int) {
        let flags = properties._flags
        var headers: [String: String] = [:]
        var deliveryCount = 0
        if flags & magistere_flag_headers != 0, let entries = properties.headers.entries {
            for index in 0..<Int(properties.headers.num_entries) {
                let entry = entries[index]
                let key = string(entry.key)
                if let value = fieldText(entry.value) {
                    if key == "x-delivery-count" {
                        deliveryCount = Int(value) ?? 0
                    } else {
                        headers[key] = value
                    }
                }
            }
        }
        let userID = flags & magistere_flag_user_id != 0 ? string(properties.user_id) : ""
        if userID != connectionUser {
            // Empty when the publisher set no user_id: then nobody vouches for it, and it matches no producer.
            headers[MessageHeader.publishedBy] = userID
        } else if headers[MessageHeader.publishedBy] == nil {
            headers[MessageHeader.publishedBy] = userID
        }
        let attempt = headers[MessageHeader.attempt].flatMap(Int.init) ?? 1
        let id = flags & magistere_flag_message_id != 0 ? string(properties.message_id) : ""
        let type = flags & magistere_flag_type != 0 ? string(properties.type) : routingKey
        let app = flags & magistere_flag_app_id != 0 ? string(properties.app_id) : ""
        let time =
            flags & magistere_flag_timestamp != 0
            ? Date(timeIntervalSince1970: TimeInterval(properties.timestamp)) : Date()
        let subject = headers.removeValue(forKey: "cloudEvents:subject")
        let message = Message(
            id: id, type: type.isEmpty ? routingKey : type,
            source: app.isEmpty ? "" : "/magistere/\(app)", subject: subject, time: time, body: data(body),
            headers: headers)
        return (message, attempt, deliveryCount)
    }

    private static func fieldText(_ value: amqp_field_value_t) -> String? {
        switch Int32(value.kind) {
        case Int32(AMQP_FIELD_KIND_UTF8.rawValue), Int32(AMQP_FIELD_KIND_BYTES.rawValue):
            return string(value.value.bytes)
        case Int32(AMQP_FIELD_KIND_I8.rawValue): return String(value.value.i8)
        case Int32(AMQP_FIELD_KIND_U8.rawValue): return String(value.value.u8)
        case Int32(AMQP_FIELD_KIND_I16.rawValue): return String(value.value.i16)
        case Int32(AMQP_FIELD_KIND_U16.rawValue): return String(value.value.u16)
        case Int32(AMQP_FIELD_KIND_I32.rawValue): return String(value.value.i32)
        case Int32(AMQP_FIELD_KIND_U32.rawValue): return String(value.value.u32)
        case Int32(AMQP_FIELD_KIND_I64.rawValue): return String(value.value.i64)
        case Int32(AMQP_FIELD_KIND_U64.rawValue): return String(value.value.u64)
        case Int32(AMQP_FIELD_KIND_BOOLEAN.rawValue): return value.value.boolean != 0 ? "true" : "false"
        default: return nil
        }
    }
}
