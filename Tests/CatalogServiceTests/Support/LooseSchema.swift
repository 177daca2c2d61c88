import Foundation
import Testing

/// A loose JSON Schema check, enough to keep the OpenAPI document honest: `$ref`, `allOf`, types,
/// `required`, `properties`, `items` and `enum`. Returns the paths that do not match.
struct LooseSchema {
    let document: [String: Any]

    /// The schema of one documented response.
    func responseSchema(_ path: String, _ method: String, _ status: String) throws -> [String: Any] {
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        let operation = try #require(paths[path]?[method] as? [String: Any], "\(method) \(path)")
        let responses = try #require(operation["responses"] as? [String: Any])
        let response = try #require(resolved(responses[status] as? [String: Any]), "\(method) \(path) \(status)")
        let content = try #require(response["content"] as? [String: [String: Any]])
        return try #require(content.values.first?["schema"] as? [String: Any])
    }

    /// A response object, or the shared one of `components/responses` its `$ref` names.
    func resolved(_ response: [String: Any]?) -> [String: Any]? {
        guard let reference = response?["$ref"] as? String else { return response }
        let name = reference.components(separatedBy: "/").last ?? ""
        return ((document["components"] as? [String: Any])?["responses"] as? [String: Any])?[name] as? [String: Any]
    }

    func violations(of value: Any, against schema: [String: Any], at path: String = "$") -> [String] {
        if let reference = schema["$ref"] as? String {
            let name = reference.components(separatedBy: "/").last ?? ""
            guard let schemas = (document["components"] as? [String: Any])?["schemas"] as? [String: Any],
                let target = schemas[name] as? [String: Any]
            else { return ["\(path): unresolved \(reference)"] }
            return violations(of: value, against: target, at: path)
        }
        if let all = schema["allOf"] as? [[String: Any]] {
            return all.flatMap { violations(of: value, against: $0, at: path) }
        }
        var problems: [String] = []
        if let values = schema["enum"] as? [String], let text = value as? String, !values.contains(text) {
            problems.append("\(path): '\(text)' is not one of \(values)")
        }
        switch schema["type"] as? String {
        case "object":
            guard let object = value as? [String: Any] else { return ["\(path): expected an object"] }
            for key in schema["required"] as? [String] ?? [] where object[key] == nil {
                problems.append("\(path): missing required '\(key)'")
            }
            let properties = schema["properties"] as? [String: Any] ?? [:]
            for (key, member) in object {
                if let property = properties[key] as? [String: Any] {
                    problems += violations(of: member, against: property, at: "\(path).\(key)")
                } else if let additional = schema["additionalProperties"] as? [String: Any] {
                    problems += violations(of: member, against: additional, at: "\(path).\(key)")
                } else if !properties.isEmpty {
                    problems.append("\(path): undocumented property '\(key)'")
                }
            }
        case "array":
            guard let array = value as? [Any] else { return ["\(path): expected an array"] }
            if let items = schema["items"] as? [String: Any] {
                for (index, item) in array.enumerated() {
                    problems += violations(of: item, against: items, at: "\(path)[\(index)]")
                }
            }
        case "string": if !(value is String) { problems.append("\(path): expected a string") }
        case "integer":
            if Self.isBoolean(value) || Self.number(value).map({ $0.rounded() != $0 }) ?? true {
                problems.append("\(path): expected an integer")
            }
        case "number":
            if Self.isBoolean(value) || Self.number(value) == nil { problems.append("\(path): expected a number") }
        case "boolean": if !Self.isBoolean(value) { problems.append("\(path): expected a boolean") }
        default: break
        }
        return problems
    }

    /// JSONSerialization gives numbers and booleans as NSNumber on Linux: tell them apart by type.
    static func isBoolean(_ value: Any) -> Bool {
        if value is Bool, !(value is NSNumber) { return true }
        guard let number = value as? NSNumber else { return false }
        return String(cString: number.objCType) == "c" || type(of: number) == type(of: NSNumber(value: true))
    }

    static func number(_ value: Any) -> Double? {
        if let number = value as? NSNumber { return number.doubleValue }
        if let int = value as? Int { return Double(int) }
        return value as? Double
    }
}
