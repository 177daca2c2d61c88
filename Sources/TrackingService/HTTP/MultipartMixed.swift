import Foundation

/// `multipart/mixed` (RFC 2046) as xAPI sends statements with their attachments: parts separated by
/// `--boundary` lines (CRLF line ends), each with its header lines, a blank line, then its bytes.
struct MultipartMixed: Sendable {
    struct Part: Sendable {
        /// Header names in lowercase.
        var headers: [String: String]
        var body: Data
    }

    struct Malformed: Error, Sendable {
        var problem: String
    }

    var parts: [Part]

    /// The boundary of a `multipart/mixed` content type, or nil when the type is another one.
    static func boundary(ofContentType type: String?) -> String? {
        guard let type else { return nil }
        let pieces = type.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard pieces.first?.lowercased() == "multipart/mixed" else { return nil }
        for piece in pieces.dropFirst() where piece.lowercased().hasPrefix("boundary=") {
            var value = String(piece.dropFirst("boundary=".count))
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 {
                value = String(value.dropFirst().dropLast())
            }
            return (1...70).contains(value.count) ? value : nil
        }
        return nil
    }

    static func make(boundary: String, parts: [Part]) -> Data {
        var data = Data()
        for part in parts {
            data.append(Data("--\(boundary)\r\n".utf8))
            for (name, value) in part.headers.sorted(by: { $0.key < $1.key }) {
                data.append(Data("\(name): \(value)\r\n".utf8))
            }
            data.append(Data("\r\n".utf8))
            data.append(part.body)
            data.append(Data("\r\n".utf8))
        }
        data.append(Data("--\(boundary)--\r\n".utf8))
        return data
    }

    init(parts: [Part]) { self.parts = parts }

    init(_ data: Data, boundary: String) throws(Malformed) {
        let delimiter = Array("--\(boundary)".utf8)
        let bytes = [UInt8](data)
        var positions: [Int] = []
        var index = 0
        while index + delimiter.count <= bytes.count {
            if index == 0 || (index >= 2 && bytes[index - 2] == 13 && bytes[index - 1] == 10),
                bytes[index..<index + delimiter.count].elementsEqual(delimiter)
            {
                positions.append(index)
                index += delimiter.count
            } else {
                index += 1
            }
        }
        guard positions.count >= 2 else { throw Malformed(problem: "no part delimited by the boundary") }
        let last = positions[positions.count - 1] + delimiter.count
        guard last + 2 <= bytes.count, bytes[last] == 45, bytes[last + 1] == 45 else {
            throw Malformed(problem: "the closing boundary (--\(boundary)--) is missing")
        }
        var parts: [Part] = []
        for (start, end) in zip(positions, positions.dropFirst()) {
            var cursor = start + delimiter.count
            guard cursor + 2 <= end, bytes[cursor] == 13, bytes[cursor + 1] == 10 else {
                throw Malformed(problem: "a boundary line must end with CRLF")
            }
            cursor += 2
            var headers: [String: String] = [:]
            while true {
                guard let lineEnd = Self.crlf(in: bytes, from: cursor, before: end) else {
                    throw Malformed(problem: "a part's headers must end with an empty line")
                }
                if lineEnd == cursor {
                    cursor += 2
                    break
                }
                let line = String(decoding: bytes[cursor..<lineEnd], as: UTF8.self)
                guard let colon = line.firstIndex(of: ":") else {
                    throw Malformed(problem: "a part header without ':'")
                }
                headers[line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()] =
                    line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                cursor = lineEnd + 2
            }
            // The part's bytes end at the CRLF that precedes the next delimiter.
            parts.append(Part(headers: headers, body: Data(bytes[cursor..<max(cursor, end - 2)])))
        }
        self.parts = parts
    }

    private static func crlf(in bytes: [UInt8], from start: Int, before end: Int) -> Int? {
        var index = start
        while index + 1 < end {
            if bytes[index] == 13, bytes[index + 1] == 10 { return index }
            index += 1
        }
        return nil
    }
}
