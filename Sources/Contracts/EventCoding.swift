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

    /// Encodes a value in the canonical wire form (the bytes `encoder()` would write, without its cost: see
    /// ``CanonicalJSON``).
    public static func encode<T: Encodable>(_ value: T) throws -> Data {
        try CanonicalJSON.encode(value)
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
    /// `2025-10-14T19:42:17.350Z`: RFC 3339 in UTC with milliseconds, the one form the platform writes.
    ///
    /// Written by hand (every event and answer carries dates; Foundation's formatter was ~2 % of tracking's CPU
    /// at peak), for years 1 to 9999; other dates go through Foundation.
    public static func format(_ date: Date) -> String {
        let (seconds, millisecond) = milliseconds(date).quotientAndRemainder(dividingBy: 1000)
        let (wholeSeconds, fraction) = millisecond < 0 ? (seconds - 1, millisecond + 1000) : (seconds, millisecond)
        let (days, secondOfDay) = floorDivision(wholeSeconds, 86_400)
        let (year, month, day) = civil(fromDays: days)
        guard (1...9999).contains(year) else { return foundationFormat(wholeSeconds, fraction) }
        var bytes = [UInt8](repeating: 0, count: 24)
        func put(_ value: Int64, at index: Int, width: Int) {
            var value = value
            for position in stride(from: index + width - 1, through: index, by: -1) {
                bytes[position] = UInt8(48 + value % 10)
                value /= 10
            }
        }
        put(year, at: 0, width: 4)
        put(month, at: 5, width: 2)
        put(day, at: 8, width: 2)
        put(secondOfDay / 3600, at: 11, width: 2)
        put(secondOfDay / 60 % 60, at: 14, width: 2)
        put(secondOfDay % 60, at: 17, width: 2)
        put(fraction, at: 20, width: 3)
        for (index, separator) in [(4, "-"), (7, "-"), (10, "T"), (13, ":"), (16, ":"), (19, "."), (23, "Z")] {
            bytes[index] = separator.utf8.first!
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Parses an RFC 3339 date-time, with or without fractional seconds, truncated to the millisecond.
    public static func parse(_ text: String) -> Date? {
        // The platform's own form is read by hand; an impossible date in it (February 30) is nil, not rolled over.
        if looksCanonical(text) { return parseCanonical(text) }
        let parsed =
            (try? Date(
                text,
                strategy: .iso8601.year().month().day().dateSeparator(.dash)
                    .time(includingFractionalSeconds: true).timeSeparator(.colon).timeZone(separator: .omitted)))
            ?? (try? Date(text, strategy: .iso8601))
        return parsed.map(truncated)
    }

    /// Whether `text` has the shape of the platform's own form (`YYYY-MM-DDTHH:MM:SS[.fff]Z`).
    static func looksCanonical(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return (bytes.count == 20 || bytes.count == 24) && bytes.last == UInt8(ascii: "Z") && bytes[10] == 84
    }

    /// The platform's own form (`YYYY-MM-DDTHH:MM:SS[.fff]Z`), read without Foundation; nil for any other.
    static func parseCanonical(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { bytes in
            guard bytes.count == 20 || bytes.count == 24, bytes.last == UInt8(ascii: "Z") else { return nil }
            return parseFields(UnsafeBufferPointer(rebasing: bytes.dropLast()), dateTimeSeparator: 84)
        }
    }

    /// The form the stores keep dates in (`YYYY-MM-DD HH:MM:SS[.fff]`, UTC: GRDB's, and `Date.storedValue`'s), read
    /// without Foundation; nil for any other. GRDB's own reading of it goes through a `Calendar` (~9 % of tracking's
    /// CPU with trainers reading their session tables beside an xAPI load).
    public static func parseStored(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { bytes in parseFields(bytes, dateTimeSeparator: 32) }
    }

    /// `YYYY-MM-DD?HH:MM:SS[.fff]` with `?` the given separator, exactly, or nil.
    private static func parseFields(_ bytes: UnsafeBufferPointer<UInt8>, dateTimeSeparator: UInt8) -> Date? {
        guard bytes.count == 19 || bytes.count == 23 else { return nil }
        func number(_ start: Int, _ width: Int) -> Int64? {
            var value: Int64 = 0
            for index in start..<start + width {
                let byte = bytes[index]
                guard (48...57).contains(byte) else { return nil }
                value = value * 10 + Int64(byte - 48)
            }
            return value
        }
        guard bytes[4] == 45, bytes[7] == 45, bytes[10] == dateTimeSeparator, bytes[13] == 58, bytes[16] == 58,
            let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
            let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2),
            (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day), hour < 24, minute < 60,
            second < 60
        else { return nil }
        var fraction: Int64 = 0
        if bytes.count == 23 {
            guard bytes[19] == 46, let value = number(20, 3) else { return nil }
            fraction = value
        }
        let seconds = days(fromCivil: year, month, day) * 86_400 + hour * 3600 + minute * 60 + second
        return Date(timeIntervalSince1970: Double(seconds * 1000 + fraction) / 1000)
    }

    private static func foundationFormat(_ wholeSeconds: Int64, _ fraction: Int64) -> String {
        let text = Date(timeIntervalSince1970: Double(wholeSeconds)).formatted(
            .iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: false)
                .timeSeparator(.colon).timeZone(separator: .omitted))
        let digits = String(fraction)
        return "\(text.dropLast())." + String(repeating: "0", count: 3 - digits.count) + digits + "Z"
    }

    private static func floorDivision(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
        let (quotient, remainder) = value.quotientAndRemainder(dividingBy: divisor)
        return remainder < 0 ? (quotient - 1, remainder + divisor) : (quotient, remainder)
    }

    /// The proleptic Gregorian date of a day counted from 1970-01-01 (Howard Hinnant's `civil_from_days`).
    static func civil(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let shifted = days + 719_468
        let era = floorDivision(shifted, 146_097).0
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Days from 1970-01-01 to a proleptic Gregorian date (`days_from_civil`).
    static func days(fromCivil year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let year = month <= 2 ? year - 1 : year
        let era = floorDivision(year, 400).0
        let yearOfEra = year - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// The date truncated to the millisecond, so that it survives a round trip through the wire form.
    public static func truncated(_ date: Date) -> Date {
        Date(timeIntervalSince1970: Double(milliseconds(date)) / 1000)
    }

    /// Whole milliseconds since 1970, truncated; a value within a microsecond (or a few units of the last place,
    /// for dates centuries away) below a whole millisecond is that millisecond: the binary representation error of a
    /// parsed or truncated date, so that truncating twice changes nothing.
    static func milliseconds(_ date: Date) -> Int64 {
        let exact = date.timeIntervalSince1970 * 1000
        let nearest = exact.rounded()
        return Int64(abs(exact - nearest) < max(0.001, exact.ulp * 8) ? nearest : exact.rounded(.down))
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
