import CRabbitMQ
import Foundation

/// Memory for the C structures of one rabbitmq-c call, freed when the call returns.
///
/// `amqp_cstring_bytes` would point into a temporary Swift string; everything here is copied instead.
final class Arena {
    private var allocations: [UnsafeMutableRawPointer] = []

    static func with<T>(_ body: (Arena) throws -> T) rethrows -> T {
        let arena = Arena()
        defer { arena.allocations.forEach { free($0) } }
        return try body(arena)
    }

    func bytes(_ string: String) -> amqp_bytes_t {
        var utf8 = Array(string.utf8)
        return utf8.withUnsafeMutableBytes { bytes(UnsafeRawBufferPointer($0)) }
    }

    func bytes(_ data: Data) -> amqp_bytes_t {
        data.withUnsafeBytes { bytes($0) }
    }

    private func bytes(_ buffer: UnsafeRawBufferPointer) -> amqp_bytes_t {
        guard buffer.count > 0, let base = buffer.baseAddress else { return amqp_empty_bytes }
        let copy = malloc(buffer.count)!
        copy.copyMemory(from: base, byteCount: buffer.count)
        allocations.append(copy)
        return amqp_bytes_t(len: buffer.count, bytes: copy)
    }

    func table(_ fields: [(String, AMQPField)]) -> amqp_table_t {
        guard !fields.isEmpty else { return amqp_empty_table }
        let entries = malloc(MemoryLayout<amqp_table_entry_t>.stride * fields.count)!
            .bindMemory(to: amqp_table_entry_t.self, capacity: fields.count)
        allocations.append(UnsafeMutableRawPointer(entries))
        for (index, (key, field)) in fields.enumerated() {
            var value = amqp_field_value_t()
            switch field {
            case .string(let text):
                value.kind = UInt8(AMQP_FIELD_KIND_UTF8.rawValue)
                value.value.bytes = bytes(text)
            case .int(let number):
                value.kind = UInt8(AMQP_FIELD_KIND_I64.rawValue)
                value.value.i64 = number
            case .bool(let flag):
                value.kind = UInt8(AMQP_FIELD_KIND_BOOLEAN.rawValue)
                value.value.boolean = flag ? 1 : 0
            }
            entries[index] = amqp_table_entry_t(key: bytes(key), value: value)
        }
        return amqp_table_t(num_entries: Int32(fields.count), entries: entries)
    }

    /// The AMQP properties mirroring a CloudEvent: persistent, typed, with its id, time and source.
    func properties(for message: Message, user: String) -> amqp_basic_properties_t {
        var properties = amqp_basic_properties_t()
        properties._flags = magistere_basic_props_flags
        properties.content_type = bytes("application/cloudevents+json")
        properties.delivery_mode = 2
        properties.message_id = bytes(message.id)
        properties.type = bytes(message.type)
        properties.timestamp = UInt64(max(0, message.time.timeIntervalSince1970))
        properties.app_id = bytes(ServiceNameText.appID(fromSource: message.source))
        properties.user_id = bytes(user)
        var headers = message.headers.sorted { $0.key < $1.key }.map { ($0.key, AMQPField.string($0.value)) }
        if let subject = message.subject { headers.append(("cloudEvents:subject", .string(subject))) }
        properties.headers = table(headers)
        return properties
    }
}

/// `app_id` is the service name (`catalog`), the CloudEvents source its URI reference (`/magistere/catalog`).
enum ServiceNameText {
    static func appID(fromSource source: String) -> String {
        source.split(separator: "/").last.map(String.init) ?? source
    }
}
