import Foundation

/// A school year, 1 September to 31 August, in French metropolitan time, written `2026-2027`.
public struct SchoolYear: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// The calendar year in which it starts (2026 for 2026-2027).
    public let startYear: Int

    public init(startYear: Int) { self.startYear = startYear }

    /// Parses `2026-2027`; nil unless the two years follow each other.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ $0.count == 4 }), let start = Int(parts[0]), let end = Int(parts[1]),
            end == start + 1, (1900...9998).contains(start)
        else { return nil }
        startYear = start
    }

    /// The school year a moment falls in, by the date in Europe/Paris (where the 31 August ends).
    public static func containing(_ date: Date) -> SchoolYear {
        let parts = calendar.dateComponents([.year, .month], from: date)
        let year = parts.year!
        return SchoolYear(startYear: parts.month! >= 9 ? year : year - 1)
    }

    /// The first moment of the year (1 September, 00:00, Paris).
    public var start: Date { Self.calendar.date(from: DateComponents(year: startYear, month: 9, day: 1))! }
    /// The first moment after it (the next 1 September).
    public var end: Date { SchoolYear(startYear: startYear + 1).start }

    public var description: String { "\(startYear)-\(startYear + 1)" }

    public static func < (lhs: SchoolYear, rhs: SchoolYear) -> Bool { lhs.startYear < rhs.startYear }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let year = SchoolYear(text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "expected a school year like 2026-2027")
        }
        self = year
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    private static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Paris")!
        return calendar
    }()
}
