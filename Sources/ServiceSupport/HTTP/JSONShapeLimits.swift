import Foundation

/// Bounds on the shape of a JSON body, checked on the raw bytes before any decoding: hostile input
/// (a thousand nested arrays, a megabyte-long string) is refused with a 400 naming the limit, and
/// never reaches the recursive decoder.
public struct JSONShapeLimits: Sendable {
    /// Deepest nesting of objects and arrays.
    public var maxDepth: Int
    /// Longest string, in bytes of its JSON text (escapes included).
    public var maxStringBytes: Int

    public static let standard = JSONShapeLimits(maxDepth: 32, maxStringBytes: 32 * 1024)

    public init(maxDepth: Int, maxStringBytes: Int) {
        self.maxDepth = maxDepth
        self.maxStringBytes = maxStringBytes
    }

    /// Throws a 400 problem when the text nests deeper or holds a longer string than allowed.
    /// Malformed JSON passes through: the decoder reports it with its position.
    public func check(_ data: Data) throws {
        var depth = 0
        var inString = false
        var escaped = false
        var stringBytes = 0
        for byte in data {
            if inString {
                stringBytes += 1
                if stringBytes > maxStringBytes {
                    throw Problem.malformed("", "a string is longer than \(maxStringBytes) bytes")
                }
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
                stringBytes = 0
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                if depth > maxDepth {
                    throw Problem.malformed("", "objects and arrays nest deeper than \(maxDepth) levels")
                }
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
            default:
                continue
            }
        }
    }
}
