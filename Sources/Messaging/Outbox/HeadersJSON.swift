import Contracts
import Foundation

/// An outbox row's headers as a JSON object of strings. Nearly every row carries one header (`traceparent`), and
/// `JSONEncoder`/`JSONDecoder` per row cost more than the rest of its bookkeeping: they are written by the
/// canonical encoder (``EventCoding/encode(_:)``) and read by hand when they hold no escape (what they cannot
/// read simply goes to `JSONDecoder`).
enum HeadersJSON {
    static func encode(_ headers: [String: String]) throws -> String {
        headers.isEmpty ? "{}" : String(decoding: try EventCoding.encode(headers), as: UTF8.self)
    }

    static func decode(_ text: String) throws -> [String: String] {
        if text == "{}" { return [:] }
        if let simple = decodeSimple(text) { return simple }
        return try JSONDecoder().decode([String: String].self, from: Data(text.utf8))
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
