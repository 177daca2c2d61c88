import Foundation

/// A parsed JSON document, so tests can walk, mutate and re-encode golden files and schemas.
enum JSONValue: Codable, Equatable, Sendable {
    case object([String: JSONValue])
    case array([JSONValue])
    case string(String)
    case integer(Int)
    case number(Double)
    case bool(Bool)
    case null

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([String: JSONValue].self) {
            self = .object(value)
        } else {
            self = .array(try container.decode([JSONValue].self))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .object(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        case .null: try container.encodeNil()
        }
    }

    static func parse(_ data: Data) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: data)
    }

    func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    var objectValue: [String: JSONValue]? {
        if case .object(let members) = self { return members }
        return nil
    }

    var arrayValue: [JSONValue]? {
        if case .array(let items) = self { return items }
        return nil
    }

    var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// The strings of an array of strings (`required`, `enum`), empty otherwise.
    var strings: [String] {
        arrayValue?.compactMap(\.stringValue) ?? []
    }

    /// This document with the member at `path` removed (a path through object keys and array indices).
    func removing(_ path: JSONPath) -> JSONValue {
        guard let first = path.components.first else { return self }
        let rest = JSONPath(Array(path.components.dropFirst()))
        switch (self, first) {
        case (.object(var members), .key(let key)):
            if rest.components.isEmpty {
                members[key] = nil
            } else if let child = members[key] {
                members[key] = child.removing(rest)
            }
            return .object(members)
        case (.array(var items), .index(let index)) where items.indices.contains(index):
            items[index] = items[index].removing(rest)
            return .array(items)
        default:
            return self
        }
    }

    /// This document with `value` set at `path`, whose parents must exist.
    func setting(_ value: JSONValue, at path: JSONPath) -> JSONValue {
        guard let first = path.components.first else { return value }
        let rest = JSONPath(Array(path.components.dropFirst()))
        switch (self, first) {
        case (.object(var members), .key(let key)):
            members[key] = (members[key] ?? .null).setting(value, at: rest)
            return .object(members)
        case (.array(var items), .index(let index)) where items.indices.contains(index):
            items[index] = items[index].setting(value, at: rest)
            return .array(items)
        default:
            return self
        }
    }
}

/// A location in a JSON document, written like ``ContractViolation/field``: `data.activities[2].kind`.
struct JSONPath: Hashable, Sendable, CustomStringConvertible {
    enum Component: Hashable, Sendable {
        case key(String)
        case index(Int)
    }

    var components: [Component]

    init(_ components: [Component] = []) { self.components = components }

    func appending(_ key: String) -> JSONPath { JSONPath(components + [.key(key)]) }
    func appending(_ index: Int) -> JSONPath { JSONPath(components + [.index(index)]) }

    var description: String {
        var text = ""
        for component in components {
            switch component {
            case .key(let key): text += text.isEmpty ? key : ".\(key)"
            case .index(let index): text += "[\(index)]"
            }
        }
        return text
    }

    /// The path with array indices erased, naming the schema node all array elements share.
    var shape: String {
        JSONPath(components.map { if case .index = $0 { return .index(0) } else { return $0 } })
            .description.replacingOccurrences(of: "[0]", with: "[]")
    }
}
