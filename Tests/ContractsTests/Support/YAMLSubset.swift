import Foundation

/// A reader for the block-style YAML subset `docs/asyncapi.yaml` is written in: mappings, sequences,
/// plain and quoted scalars, `|` and `>` block scalars, full-line comments.
///
/// No YAML package is available to the tests, so this reads the document line by line and refuses
/// anything outside the subset (flow collections, anchors, aliases, tabs, tags) instead of guessing.
indirect enum YAMLNode: Equatable, Sendable {
    case scalar(String)
    case mapping([(key: String, value: YAMLNode)])
    case sequence([YAMLNode])

    static func == (lhs: YAMLNode, rhs: YAMLNode) -> Bool {
        switch (lhs, rhs) {
        case (.scalar(let left), .scalar(let right)): left == right
        case (.sequence(let left), .sequence(let right)): left == right
        case (.mapping(let left), .mapping(let right)):
            left.count == right.count && zip(left, right).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: false
        }
    }

    subscript(key: String) -> YAMLNode? {
        if case .mapping(let entries) = self { return entries.first { $0.key == key }?.value }
        return nil
    }

    var scalar: String? {
        if case .scalar(let text) = self { return text }
        return nil
    }

    var entries: [(key: String, value: YAMLNode)] {
        if case .mapping(let entries) = self { return entries }
        return []
    }

    var items: [YAMLNode] {
        if case .sequence(let items) = self { return items }
        return []
    }

    /// The node a local reference such as `#/channels/tracking.course.completed.v1` points to.
    func resolve(_ reference: String) -> YAMLNode? {
        guard reference.hasPrefix("#/") else { return nil }
        var node: YAMLNode? = self
        for token in reference.dropFirst(2).split(separator: "/", omittingEmptySubsequences: false) {
            let key = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            if let index = Int(key), case .sequence(let items)? = node, items.indices.contains(index) {
                node = items[index]
            } else {
                node = node?[key]
            }
        }
        return node
    }

    /// Every `$ref` value in the document.
    var references: [String] {
        switch self {
        case .scalar: []
        case .sequence(let items): items.flatMap(\.references)
        case .mapping(let entries):
            entries.flatMap { entry in
                entry.key == "$ref" ? [entry.value.scalar].compactMap { $0 } : entry.value.references
            }
        }
    }
}

struct YAMLError: Error, CustomStringConvertible {
    let line: Int
    let problem: String
    var description: String { "line \(line): \(problem)" }
}

/// Parses the YAML subset of ``YAMLNode``.
struct YAMLSubsetReader {
    private struct Line {
        let number: Int
        let indent: Int
        let text: String
    }

    private var lines: [Line] = []
    private let raw: [Substring]
    private var position = 0

    init(_ document: String) {
        raw = document.split(separator: "\n", omittingEmptySubsequences: false)
    }

    static func parse(_ document: String) throws -> YAMLNode {
        var reader = YAMLSubsetReader(document)
        return try reader.parseDocument()
    }

    private mutating func parseDocument() throws -> YAMLNode {
        for (index, line) in raw.enumerated() {
            if line.contains("\t") { throw YAMLError(line: index + 1, problem: "tabs are not allowed") }
            let text = line.drop { $0 == " " }
            lines.append(Line(number: index + 1, indent: line.count - text.count, text: String(text)))
        }
        skipBlankLines()
        guard position < lines.count else { return .mapping([]) }
        let node = try parseBlock(indent: lines[position].indent)
        skipBlankLines()
        if position < lines.count {
            throw YAMLError(line: lines[position].number, problem: "unexpected indentation")
        }
        return node
    }

    private mutating func skipBlankLines() {
        while position < lines.count, lines[position].text.isEmpty || lines[position].text.hasPrefix("#") {
            position += 1
        }
    }

    private mutating func parseBlock(indent: Int) throws -> YAMLNode {
        lines[position].text.hasPrefix("- ") ? try parseSequence(indent: indent) : try parseMapping(indent: indent)
    }

    private mutating func parseSequence(indent: Int) throws -> YAMLNode {
        var items: [YAMLNode] = []
        while true {
            skipBlankLines()
            guard position < lines.count, lines[position].indent == indent, lines[position].text.hasPrefix("- ")
            else { break }
            let line = lines[position]
            let content = String(line.text.dropFirst(2))
            if Self.splitKey(content) != nil {
                // "- key: value" opens a mapping whose keys sit two columns further in.
                lines[position] = Line(number: line.number, indent: indent + 2, text: content)
                items.append(try parseMapping(indent: indent + 2))
            } else {
                items.append(.scalar(try Self.scalar(content, line: line.number)))
                position += 1
            }
        }
        return .sequence(items)
    }

    private mutating func parseMapping(indent: Int) throws -> YAMLNode {
        var entries: [(key: String, value: YAMLNode)] = []
        while true {
            skipBlankLines()
            guard position < lines.count, lines[position].indent == indent, !lines[position].text.hasPrefix("- ")
            else { break }
            let line = lines[position]
            guard let (key, value) = Self.splitKey(line.text) else {
                throw YAMLError(line: line.number, problem: "expected 'key: value', got '\(line.text)'")
            }
            if entries.contains(where: { $0.key == key }) {
                throw YAMLError(line: line.number, problem: "duplicate key '\(key)'")
            }
            position += 1
            switch value {
            case "":
                skipBlankLines()
                if position < lines.count, lines[position].indent > indent {
                    entries.append((key, try parseBlock(indent: lines[position].indent)))
                } else if position < lines.count, lines[position].indent == indent,
                    lines[position].text.hasPrefix("- ")
                {
                    entries.append((key, try parseSequence(indent: indent)))
                } else {
                    entries.append((key, .scalar("")))
                }
            case "|", ">":
                entries.append((key, .scalar(blockScalar(after: indent, folded: value == ">"))))
            default:
                entries.append((key, .scalar(try Self.scalar(value, line: line.number))))
            }
        }
        if lines.indices.contains(position), lines[position].indent > indent {
            throw YAMLError(line: lines[position].number, problem: "unexpected indentation")
        }
        return .mapping(entries)
    }

    private mutating func blockScalar(after indent: Int, folded: Bool) -> String {
        var text: [String] = []
        while position < lines.count, lines[position].text.isEmpty || lines[position].indent > indent {
            text.append(lines[position].text)
            position += 1
        }
        while text.last == "" { text.removeLast() }
        return text.joined(separator: folded ? " " : "\n")
    }

    /// `key: value` or `key:`, with a plain or quoted key; nil when the line holds no key.
    private static func splitKey(_ text: String) -> (String, String)? {
        if text.hasPrefix("'") || text.hasPrefix("\"") {
            let quote = text.first!
            guard let end = text.dropFirst().firstIndex(of: quote) else { return nil }
            let rest = text[text.index(after: end)...]
            guard rest == ":" || rest.hasPrefix(": ") else { return nil }
            return (String(text[text.index(after: text.startIndex)..<end]), rest.dropFirst().trimmingSpaces)
        }
        if text.hasSuffix(":") { return (String(text.dropLast()), "") }
        guard let separator = text.range(of: ": ") else { return nil }
        let key = text[..<separator.lowerBound]
        if key.contains("'") || key.contains("\"") { return nil }
        return (String(key), text[separator.upperBound...].trimmingSpaces)
    }

    private static func scalar(_ text: String, line: Int) throws -> String {
        guard let first = text.first else { return "" }
        switch first {
        case "'":
            guard text.count >= 2, text.hasSuffix("'") else {
                throw YAMLError(line: line, problem: "unterminated quote")
            }
            return String(text.dropFirst().dropLast()).replacingOccurrences(of: "''", with: "'")
        case "\"":
            guard text.count >= 2, text.hasSuffix("\""), !text.contains("\\") else {
                throw YAMLError(line: line, problem: "unsupported double-quoted scalar")
            }
            return String(text.dropFirst().dropLast())
        case "{", "[", "&", "*", "!", "%", "@", "`":
            throw YAMLError(line: line, problem: "'\(first)' is outside the YAML subset this reader accepts")
        default:
            if text.contains(" #") { throw YAMLError(line: line, problem: "inline comments are not supported") }
            return text
        }
    }
}

extension StringProtocol {
    fileprivate var trimmingSpaces: String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
