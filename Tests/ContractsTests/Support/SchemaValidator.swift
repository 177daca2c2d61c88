import Contracts
import Foundation

/// A validator for the subset of JSON Schema 2020-12 the event schemas use.
///
/// It refuses any keyword outside that subset, so a schema can never seem valid because the validator
/// silently skipped what it did not understand.
struct SchemaValidator {
    /// Keywords that constrain instances, and are checked here.
    static let assertions: Set<String> = [
        "$ref", "type", "const", "enum", "properties", "required", "additionalProperties", "items",
        "minItems", "minimum", "maximum", "minLength", "format",
    ]
    /// Keywords that only document or organise the schema.
    static let annotations: Set<String> = ["$schema", "$id", "$defs", "title", "description", "$comment", "examples"]

    let root: JSONValue

    /// The problems of `instance` against the root schema, each as `path: problem`; empty when valid.
    func validate(_ instance: JSONValue) -> [String] {
        var problems: [String] = []
        validate(instance, against: root, at: JSONPath(), into: &problems)
        return problems
    }

    /// The schema a `$ref` points to: a local JSON pointer such as `#/$defs/CourseVersionRef`.
    func resolve(_ reference: String) -> JSONValue? {
        guard reference.hasPrefix("#") else { return nil }
        var node: JSONValue? = root
        for token in reference.dropFirst().split(separator: "/") {
            let key = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            node = node?[key]
        }
        return node
    }

    /// The schema node with its `$ref` followed (siblings of `$ref` are annotations in our schemas).
    func dereferenced(_ schema: JSONValue) -> JSONValue {
        if let reference = schema["$ref"]?.stringValue, let target = resolve(reference) {
            return dereferenced(target)
        }
        return schema
    }

    private func validate(
        _ instance: JSONValue, against schema: JSONValue, at path: JSONPath, into problems: inout [String]
    ) {
        func fail(_ problem: String) {
            problems.append("\(path.description.isEmpty ? "(root)" : path.description): \(problem)")
        }

        guard let keywords = schema.objectValue else {
            if schema != .bool(true) { fail("schema is not an object") }
            return
        }
        for keyword in keywords.keys where !Self.assertions.contains(keyword) && !Self.annotations.contains(keyword) {
            fail("unsupported schema keyword '\(keyword)'")
        }
        if let reference = keywords["$ref"]?.stringValue {
            guard let target = resolve(reference) else { return fail("unresolvable $ref '\(reference)'") }
            validate(instance, against: target, at: path, into: &problems)
        }
        if let type = keywords["type"] {
            let allowed = type.stringValue.map { [$0] } ?? type.strings
            if !allowed.contains(where: { Self.instance(instance, hasType: $0) }) {
                fail("expected \(allowed.joined(separator: " or ")), got \(Self.typeName(of: instance))")
            }
        }
        if let constant = keywords["const"], !Self.sameValue(instance, constant) {
            fail("expected the constant \(constant), got \(instance)")
        }
        if let options = keywords["enum"]?.arrayValue, !options.contains(where: { Self.sameValue(instance, $0) }) {
            fail("\(instance) is not one of \(options.compactMap(\.stringValue))")
        }
        if case .string(let text) = instance {
            if case .integer(let length)? = keywords["minLength"], text.count < length {
                fail("shorter than \(length) characters")
            }
            if keywords["format"]?.stringValue == "date-time", Timestamp.parse(text) == nil {
                fail("'\(text)' is not an RFC 3339 date-time")
            }
        }
        if let number = Self.numericValue(instance) {
            if let minimum = keywords["minimum"].flatMap(Self.numericValue), number < minimum {
                fail("\(number) is below the minimum \(minimum)")
            }
            if let maximum = keywords["maximum"].flatMap(Self.numericValue), number > maximum {
                fail("\(number) is above the maximum \(maximum)")
            }
        }
        if case .array(let items) = instance {
            if case .integer(let count)? = keywords["minItems"], items.count < count {
                fail("fewer than \(count) items")
            }
            if let itemSchema = keywords["items"] {
                for (index, item) in items.enumerated() {
                    validate(item, against: itemSchema, at: path.appending(index), into: &problems)
                }
            }
        }
        if case .object(let members) = instance {
            for name in keywords["required"]?.strings ?? [] where members[name] == nil {
                fail("required property '\(name)' is missing")
            }
            let properties = keywords["properties"]?.objectValue ?? [:]
            for (name, value) in members {
                if let propertySchema = properties[name] {
                    validate(value, against: propertySchema, at: path.appending(name), into: &problems)
                } else if let additional = keywords["additionalProperties"] {
                    if additional == .bool(false) {
                        problems.append("\(path.appending(name)): property not allowed")
                    } else if additional != .bool(true) {
                        validate(value, against: additional, at: path.appending(name), into: &problems)
                    }
                }
            }
        }
    }

    private static func instance(_ value: JSONValue, hasType type: String) -> Bool {
        switch (type, value) {
        case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool), ("null", .null),
            ("integer", .integer), ("number", .integer), ("number", .number):
            return true
        case ("integer", .number(let number)):
            return number.rounded() == number
        default:
            return false
        }
    }

    private static func typeName(of value: JSONValue) -> String {
        switch value {
        case .object: "object"
        case .array: "array"
        case .string: "string"
        case .integer: "integer"
        case .number: "number"
        case .bool: "boolean"
        case .null: "null"
        }
    }

    private static func numericValue(_ value: JSONValue) -> Double? {
        switch value {
        case .integer(let number): Double(number)
        case .number(let number): number
        default: nil
        }
    }

    private static func sameValue(_ lhs: JSONValue, _ rhs: JSONValue) -> Bool {
        if let left = numericValue(lhs), let right = numericValue(rhs) { return left == right }
        return lhs == rhs
    }
}
