import Foundation

/// The one JSON encoding of the platform's events: sorted keys, RFC 3339 UTC times with milliseconds.
public enum EventCoding {
    /// An encoder producing the canonical wire form (the golden files pin it).
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Timestamp.format(date))
        }
        return encoder
    }

    /// A decoder tolerant of unknown fields and of times with or without fractional seconds.
    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = Timestamp.parse(text) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "expected an RFC 3339 date-time, got '\(text)'")
            }
            return date
        }
        return decoder
    }

    /// Encodes a value in the canonical wire form.
    public static func encode<T: Encodable>(_ value: T) throws -> Data {
        try encoder().encode(value)
    }

    /// Decodes a value, turning Foundation's decoding errors into a ``ContractViolation`` naming the field.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws(ContractViolation) -> T {
        do {
            return try decoder().decode(type, from: data)
        } catch let error as DecodingError {
            throw ContractViolation(error)
        } catch {
            throw ContractViolation(field: "", problem: "\(error)")
        }
    }
}

/// RFC 3339 timestamps as the platform writes them: UTC, millisecond precision.
///
/// Times are handled as whole milliseconds so that `parse` and `format` are exact inverses: a parsed
/// `…31.188Z` is stored as the nearest binary double, which may lie just below .188, and formatting it
/// with Foundation's formatter (which truncates) would give back `…31.187Z`.
public enum Timestamp {
    public static func format(_ date: Date) -> String {
        let (seconds, millisecond) = milliseconds(date).quotientAndRemainder(dividingBy: 1000)
        let (wholeSeconds, fraction) = millisecond < 0 ? (seconds - 1, millisecond + 1000) : (seconds, millisecond)
        let text = Date(timeIntervalSince1970: Double(wholeSeconds)).formatted(
            .iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: false)
                .timeSeparator(.colon).timeZone(separator: .omitted))
        let digits = String(fraction)
        return "\(text.dropLast())." + String(repeating: "0", count: 3 - digits.count) + digits + "Z"
    }

    /// Parses an RFC 3339 date-time, with or without fractional seconds, truncated to the millisecond.
    public static func parse(_ text: String) -> Date? {
        let parsed =
            (try? Date(
                text,
                strategy: .iso8601.year().month().day().dateSeparator(.dash)
                    .time(includingFractionalSeconds: true).timeSeparator(.colon).timeZone(separator: .omitted)))
            ?? (try? Date(text, strategy: .iso8601))
        return parsed.map(truncated)
    }

    /// The date truncated to the millisecond, so that it survives a round trip through the wire form.
    public static func truncated(_ date: Date) -> Date {
        Date(timeIntervalSince1970: Double(milliseconds(date)) / 1000)
    }

    /// Whole milliseconds since 1970, truncated; a value within a microsecond below a whole millisecond
    /// is that millisecond (the binary representation error of a parsed or truncated date).
    static func milliseconds(_ date: Date) -> Int64 {
        let exact = date.timeIntervalSince1970 * 1000
        let nearest = exact.rounded()
        return Int64(abs(exact - nearest) < 0.001 ? nearest : exact.rounded(.down))
    }
}

/// A message that does not match its contract: which field, and what is wrong with it.
public struct ContractViolation: Error, Sendable, Equatable, CustomStringConvertible {
    /// The JSON path of the offending field, e.g. `data.activities[2].estimatedMinutes`.
    public let field: String
    public let problem: String

    public init(field: String, problem: String) {
        self.field = field
        self.problem = problem
    }

    init(_ error: DecodingError) {
        func path(_ codingPath: [any CodingKey], _ last: (any CodingKey)? = nil) -> String {
            var text = ""
            for key in codingPath + (last.map { [$0] } ?? []) {
                if let index = key.intValue {
                    text += "[\(index)]"
                } else {
                    text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
                }
            }
            return text
        }
        switch error {
        case .keyNotFound(let key, let context):
            self.init(field: path(context.codingPath, key), problem: "required field is missing")
        case .valueNotFound(_, let context):
            self.init(field: path(context.codingPath), problem: "required value is null")
        case .typeMismatch(let type, let context):
            self.init(field: path(context.codingPath), problem: "expected a value of type \(type)")
        case .dataCorrupted(let context):
            self.init(field: path(context.codingPath), problem: context.debugDescription)
        @unknown default:
            self.init(field: "", problem: "\(error)")
        }
    }

    public var description: String {
        field.isEmpty ? problem : "\(field): \(problem)"
    }
}
