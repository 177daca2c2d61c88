import Foundation

/// An outbox row's headers as a JSON object of strings, coded by hand on the hot path: nearly every row now
/// carries one header (`traceparent`), and `JSONEncoder`/`JSONDecoder` per row cost more than the rest of its
/// bookkeeping. What this writes is plain JSON; what it cannot read simply (escapes) goes to `JSONDecoder`.
enum HeadersJSON {
    static func encode(_ headers: [String: String]) -> String {
        guard !headers.isEmpty else { return "{}" }
        var text = "{"
        for (index, key) in headers.keys.sorted().enumerated() {
            if index > 0 { text += "," }
            append(key, to: &text)
            text += ":"
            append(headers[key]!, to: &text)
        }
        return text + "}"
    }

    static func decode(_ text: String) throws -> [String: String] {
        if text == "{}" { return [:] }
        if let simple = decodeSimple(text) { return simple }
        return try JSONDecoder().decode([String: String].self, from: Data(text.utf8))
    }

    private static func append(_ string: String, to text: inout String) {
        text += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
    }

    /// `{"k":"v",...}` without escapes or spaces (what ``encode(_:)`` writes for ordinary headers); nil otherwise.
    private static func decodeSimple(_ text: String) -> [String: String]? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 2, bytes.first == UInt8(ascii: "{"), bytes.last == UInt8(ascii: "}"),
            !bytes.contains(UInt8(ascii: "\\"))
        else { return nil }
        var headers: [String: String] = [:]
        var index = 1
        func string() -> String? {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
            guard let end = bytes[(index + 1)...].firstIndex(of: UInt8(ascii: "\"")) else { return nil }
            defer { index = end + 1 }
            return String(decoding: bytes[(index + 1)..<end], as: UTF8.self)
        }
        while index < bytes.count - 1 {
            guard let key = string(), index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
            index += 1
            guard let value = string() else { return nil }
            headers[key] = value
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                guard index < bytes.count - 1 else { return nil }
            } else if index != bytes.count - 1 {
                return nil
            }
        }
        return headers
    }
}
