import Contracts
import Foundation
import GRDB

extension Date {
    /// The date as GRDB stores it (`YYYY-MM-DD HH:MM:SS.SSS`, UTC), formatted by hand.
    ///
    /// The same text as `databaseValue`, which goes through a `DateFormatter` (~6 % of the CPU of
    /// `magistere dev bench-bus`, two dates per outbox row and one per inbox row): bind this on hot writes.
    public var storedValue: DatabaseValue {
        var bytes = Array(Timestamp.format(self).utf8)
        // `YYYY-MM-DDTHH:MM:SS.fffZ` for years 1 to 9999; anything else is left to GRDB.
        guard bytes.count == 24, bytes[10] == UInt8(ascii: "T") else { return databaseValue }
        bytes[10] = UInt8(ascii: " ")
        bytes.removeLast()
        return String(decoding: bytes, as: UTF8.self).databaseValue
    }
}

extension Optional where Wrapped == Date {
    /// ``Foundation/Date/storedValue`` of the date, or NULL.
    public var storedValue: DatabaseValue { map(\.storedValue) ?? .null }
}

extension Row {
    /// The date at `index`, read by hand when it has the form ``Foundation/Date/storedValue`` writes (GRDB's reading
    /// goes through a `Calendar`); any other value (a number, another text form, NULL) is left to GRDB. For hot reads.
    public func storedDate(atIndex index: Int) -> Date? {
        let value: DatabaseValue = self[index]
        if case .string(let text) = value.storage, let date = Timestamp.parseStored(text) { return date }
        return Date.fromDatabaseValue(value)
    }

    /// ``storedDate(atIndex:)`` of a column by name.
    public func storedDate(_ column: String) -> Date? {
        let value: DatabaseValue = self[column]
        if case .string(let text) = value.storage, let date = Timestamp.parseStored(text) { return date }
        return Date.fromDatabaseValue(value)
    }
}
