import Foundation

/// The canonical wire form (sorted keys, slashes unescaped, dates as ``Timestamp`` text), written without
/// Foundation's `JSONEncoder`.
///
/// Every outbox event and every HTTP answer is encoded: at peak that was ~15 % of tracking's CPU, most of it
/// in `JSONEncoder`'s boxing of each value into its own tree of objects. This encoder builds a light tree
/// (an enum) and writes bytes from it. It produces the same bytes as `EventCoding.encoder()` — the golden
/// files pin them, and `CanonicalJSONTests` compares both on every event type and on random values.
enum CanonicalJSON {
    static func encode<T: Encodable>(_ value: T) throws -> Data {
        let node = try Node.of(value, codingPath: [])
        var bytes: [UInt8] = []
        bytes.reserveCapacity(512)
        node.write(to: &bytes)
        return Data(bytes)
    }

    enum Node {
        case object(Box)
        case array(ArrayBox)
        case string(String)
        /// A number already in its JSON text.
        case number(String)
        case bool(Bool)
        case null

        /// The node of a value, with the special cases `JSONEncoder` has (dates, data, URLs, decimals).
        static func of<T: Encodable>(_ value: T, codingPath: [any CodingKey]) throws -> Node {
            // Metatype comparisons, then a reinterpretation of the value: a dynamic cast (`as? Date`) per value
            // was most of this function's cost.
            if T.self == String.self { return .string(unsafeBitCast(value, to: String.self)) }
            if T.self == Date.self { return .string(Timestamp.format(unsafeBitCast(value, to: Date.self))) }
            if T.self == Int.self { return .number(String(unsafeBitCast(value, to: Int.self))) }
            if T.self == Bool.self { return .bool(unsafeBitCast(value, to: Bool.self)) }
            if T.self == Double.self { return .number(try number(unsafeBitCast(value, to: Double.self), codingPath)) }
            if T.self == Float.self { return .number(try number(unsafeBitCast(value, to: Float.self), codingPath)) }
            if T.self == Data.self { return .string(unsafeBitCast(value, to: Data.self).base64EncodedString()) }
            if T.self == URL.self { return .string(unsafeBitCast(value, to: URL.self).absoluteString) }
            if T.self == Decimal.self { return .number(unsafeBitCast(value, to: Decimal.self).description) }
            let encoder = NodeEncoder(codingPath: codingPath)
            try value.encode(to: encoder)
            return encoder.node ?? .object(Box())
        }

        /// `JSONEncoder`'s text of a floating-point number: its shortest description, without a trailing `.0`.
        static func number<F: BinaryFloatingPoint & CustomStringConvertible>(
            _ value: F, _ codingPath: [any CodingKey]
        ) throws -> String {
            guard value.isFinite else {
                throw EncodingError.invalidValue(
                    value,
                    .init(codingPath: codingPath, debugDescription: "Unable to encode \(value) directly in JSON."))
            }
            var text = value.description
            if text.hasSuffix(".0") { text.removeLast(2) }
            return text
        }

        func write(to bytes: inout [UInt8]) {
            switch self {
            case .object(let box):
                bytes.append(UInt8(ascii: "{"))
                var first = true
                for (key, node) in box.members.sorted(by: { $0.key < $1.key }) {
                    if !first { bytes.append(UInt8(ascii: ",")) }
                    first = false
                    Self.writeString(key, to: &bytes)
                    bytes.append(UInt8(ascii: ":"))
                    node.write(to: &bytes)
                }
                bytes.append(UInt8(ascii: "}"))
            case .array(let box):
                bytes.append(UInt8(ascii: "["))
                for (index, node) in box.elements.enumerated() {
                    if index > 0 { bytes.append(UInt8(ascii: ",")) }
                    node.write(to: &bytes)
                }
                bytes.append(UInt8(ascii: "]"))
            case .string(let string):
                Self.writeString(string, to: &bytes)
            case .number(let text):
                bytes.append(contentsOf: text.utf8)
            case .bool(let value):
                bytes.append(contentsOf: value ? Self.trueBytes : Self.falseBytes)
            case .null:
                bytes.append(contentsOf: Self.nullBytes)
            }
        }

        private static let trueBytes = Array("true".utf8)
        private static let falseBytes = Array("false".utf8)
        private static let nullBytes = Array("null".utf8)
        private static let hexDigits = Array("0123456789abcdef".utf8)

        private static func writeString(_ string: String, to bytes: inout [UInt8]) {
            bytes.append(UInt8(ascii: "\""))
            for byte in string.utf8 {
                switch byte {
                case UInt8(ascii: "\""): bytes.append(contentsOf: [92, 34])
                case UInt8(ascii: "\\"): bytes.append(contentsOf: [92, 92])
                case 0x08: bytes.append(contentsOf: [92, UInt8(ascii: "b")])
                case 0x0C: bytes.append(contentsOf: [92, UInt8(ascii: "f")])
                case 0x0A: bytes.append(contentsOf: [92, UInt8(ascii: "n")])
                case 0x0D: bytes.append(contentsOf: [92, UInt8(ascii: "r")])
                case 0x09: bytes.append(contentsOf: [92, UInt8(ascii: "t")])
                case 0..<0x20:
                    bytes.append(contentsOf: [
                        92, UInt8(ascii: "u"), 48, 48, hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0xF)],
                    ])
                default: bytes.append(byte)
                }
            }
            bytes.append(UInt8(ascii: "\""))
        }
    }

    /// An object's members as its encoders add them (a later value for a key replaces the earlier one).
    final class Box {
        var members: [String: Node] = [:]
    }

    final class ArrayBox {
        var elements: [Node] = []
    }

    /// Where a nested container writes: a slot of its parent, filled when the value's encoding is done.
    final class NodeEncoder: Encoder {
        let codingPath: [any CodingKey]
        var userInfo: [CodingUserInfoKey: Any] { [:] }
        var node: Node?

        init(codingPath: [any CodingKey]) { self.codingPath = codingPath }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            let box: Box
            if case .object(let existing) = node {
                box = existing
            } else {
                box = Box()
                node = .object(box)
            }
            return KeyedEncodingContainer(KeyedContainer<Key>(box: box, codingPath: codingPath))
        }

        func unkeyedContainer() -> any UnkeyedEncodingContainer {
            let box: ArrayBox
            if case .array(let existing) = node {
                box = existing
            } else {
                box = ArrayBox()
                node = .array(box)
            }
            return UnkeyedContainer(box: box, codingPath: codingPath)
        }

        func singleValueContainer() -> any SingleValueEncodingContainer { SingleContainer(encoder: self) }
    }

    struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let box: Box
        let codingPath: [any CodingKey]

        mutating func encodeNil(forKey key: Key) throws { box.members[key.stringValue] = .null }
        mutating func encode(_ value: Bool, forKey key: Key) throws { box.members[key.stringValue] = .bool(value) }
        mutating func encode(_ value: String, forKey key: Key) throws { box.members[key.stringValue] = .string(value) }
        mutating func encode(_ value: Int, forKey key: Key) throws {
            box.members[key.stringValue] = .number(String(value))
        }
        mutating func encode(_ value: Double, forKey key: Key) throws {
            box.members[key.stringValue] = .number(try Node.number(value, codingPath + [key]))
        }
        mutating func encode(_ value: Int8, forKey key: Key) throws {
            box.members[key.stringValue] = .number(String(value))
        }
        mutating func encode(_ value: Int16, forKey key: Key) throws {
            box.members[key.stringValue] = .number(String(value))
        }
        mutating func encode(_ value: Int32, forKey key: Key) throws {
            box.members[key.stringValue] = .number(String(value))
        }
        mutating func encode(_ value: Int64, forKey key: Key) throws {
            box.members[key.stringValue] = .number(String(value))
        }
        mutating func encode(_ value: UInt, forKey key: Key) throws {
            box.members[key.stringValue] = .number(String(value))
        }
        mutating func encode(_ value: UInt8, forKey key: Key) throws {
            box.members[key.stringValue] = .number(String(value))
        }
        mutating func encode(_ value: UInt16, forKey key: Key) throws {
            box.members[key.stringValue] = .number(String(value))
        }
        mutating func encode(_ value: UInt32, forKey key: Key) throws {
            box.members[key.stringValue] = .number(String(value))
        }
        mutating func encode(_ value: UInt64, forKey key: Key) throws {
            box.members[key.stringValue] = .number(String(value))
        }
        mutating func encode(_ value: Float, forKey key: Key) throws {
            box.members[key.stringValue] = .number(try Node.number(value, codingPath + [key]))
        }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            box.members[key.stringValue] = try Node.of(value, codingPath: codingPath + [key])
        }

        mutating func nestedContainer<NestedKey: CodingKey>(
            keyedBy keyType: NestedKey.Type, forKey key: Key
        ) -> KeyedEncodingContainer<NestedKey> {
            let nested = Box()
            box.members[key.stringValue] = .object(nested)
            return KeyedEncodingContainer(KeyedContainer<NestedKey>(box: nested, codingPath: codingPath + [key]))
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            let nested = ArrayBox()
            box.members[key.stringValue] = .array(nested)
            return UnkeyedContainer(box: nested, codingPath: codingPath + [key])
        }

        mutating func superEncoder() -> any Encoder { superEncoder(forKey: Key(stringValue: "super")!) }

        mutating func superEncoder(forKey key: Key) -> any Encoder {
            SlotEncoder(codingPath: codingPath + [key]) { [box] node in box.members[key.stringValue] = node }
        }
    }

    struct UnkeyedContainer: UnkeyedEncodingContainer {
        let box: ArrayBox
        let codingPath: [any CodingKey]
        var count: Int { box.elements.count }

        private var indexKey: any CodingKey { IndexKey(intValue: box.elements.count) }

        mutating func encodeNil() throws { box.elements.append(.null) }
        mutating func encode(_ value: Bool) throws { box.elements.append(.bool(value)) }
        mutating func encode(_ value: String) throws { box.elements.append(.string(value)) }
        mutating func encode(_ value: Int) throws { box.elements.append(.number(String(value))) }
        mutating func encode(_ value: Double) throws {
            box.elements.append(.number(try Node.number(value, codingPath + [indexKey])))
        }
        mutating func encode(_ value: Int8) throws { box.elements.append(.number(String(value))) }
        mutating func encode(_ value: Int16) throws { box.elements.append(.number(String(value))) }
        mutating func encode(_ value: Int32) throws { box.elements.append(.number(String(value))) }
        mutating func encode(_ value: Int64) throws { box.elements.append(.number(String(value))) }
        mutating func encode(_ value: UInt) throws { box.elements.append(.number(String(value))) }
        mutating func encode(_ value: UInt8) throws { box.elements.append(.number(String(value))) }
        mutating func encode(_ value: UInt16) throws { box.elements.append(.number(String(value))) }
        mutating func encode(_ value: UInt32) throws { box.elements.append(.number(String(value))) }
        mutating func encode(_ value: UInt64) throws { box.elements.append(.number(String(value))) }
        mutating func encode(_ value: Float) throws {
            box.elements.append(.number(try Node.number(value, codingPath + [indexKey])))
        }
        mutating func encode<T: Encodable>(_ value: T) throws {
            box.elements.append(try Node.of(value, codingPath: codingPath + [indexKey]))
        }

        mutating func nestedContainer<NestedKey: CodingKey>(
            keyedBy keyType: NestedKey.Type
        )
            -> KeyedEncodingContainer<NestedKey>
        {
            let nested = Box()
            let path = codingPath + [indexKey]
            box.elements.append(.object(nested))
            return KeyedEncodingContainer(KeyedContainer<NestedKey>(box: nested, codingPath: path))
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            let nested = ArrayBox()
            let path = codingPath + [indexKey]
            box.elements.append(.array(nested))
            return UnkeyedContainer(box: nested, codingPath: path)
        }

        mutating func superEncoder() -> any Encoder {
            let index = box.elements.count
            box.elements.append(.null)
            return SlotEncoder(codingPath: codingPath + [IndexKey(intValue: index)]) { [box] node in
                box.elements[index] = node
            }
        }
    }

    struct SingleContainer: SingleValueEncodingContainer {
        let encoder: NodeEncoder
        var codingPath: [any CodingKey] { encoder.codingPath }

        mutating func encodeNil() throws { encoder.node = .null }
        mutating func encode(_ value: Bool) throws { encoder.node = .bool(value) }
        mutating func encode(_ value: String) throws { encoder.node = .string(value) }
        mutating func encode(_ value: Int) throws { encoder.node = .number(String(value)) }
        mutating func encode(_ value: Double) throws { encoder.node = .number(try Node.number(value, codingPath)) }
        mutating func encode(_ value: Int8) throws { encoder.node = .number(String(value)) }
        mutating func encode(_ value: Int16) throws { encoder.node = .number(String(value)) }
        mutating func encode(_ value: Int32) throws { encoder.node = .number(String(value)) }
        mutating func encode(_ value: Int64) throws { encoder.node = .number(String(value)) }
        mutating func encode(_ value: UInt) throws { encoder.node = .number(String(value)) }
        mutating func encode(_ value: UInt8) throws { encoder.node = .number(String(value)) }
        mutating func encode(_ value: UInt16) throws { encoder.node = .number(String(value)) }
        mutating func encode(_ value: UInt32) throws { encoder.node = .number(String(value)) }
        mutating func encode(_ value: UInt64) throws { encoder.node = .number(String(value)) }
        mutating func encode(_ value: Float) throws { encoder.node = .number(try Node.number(value, codingPath)) }
        mutating func encode<T: Encodable>(_ value: T) throws {
            encoder.node = try Node.of(value, codingPath: codingPath)
        }
    }

    /// An encoder whose result goes into a parent's slot when it is deinitialised (super encoders).
    final class SlotEncoder: Encoder {
        private let inner: NodeEncoder
        private let store: (Node) -> Void
        var codingPath: [any CodingKey] { inner.codingPath }
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        init(codingPath: [any CodingKey], store: @escaping (Node) -> Void) {
            self.inner = NodeEncoder(codingPath: codingPath)
            self.store = store
        }

        deinit { store(inner.node ?? .object(Box())) }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            inner.container(keyedBy: type)
        }
        func unkeyedContainer() -> any UnkeyedEncodingContainer { inner.unkeyedContainer() }
        func singleValueContainer() -> any SingleValueEncodingContainer { inner.singleValueContainer() }
    }

    struct IndexKey: CodingKey {
        var stringValue: String { "Index \(intValue!)" }
        var intValue: Int?
        init(intValue: Int) { self.intValue = intValue }
        init?(stringValue: String) { nil }
    }
}
