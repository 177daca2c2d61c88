import Contracts
import Foundation
import GRDB
import Messaging
import Testing

/// Dates written by hand on hot paths must be the very text GRDB writes and reads: rows written either way are
/// compared with each other (`received_at < ?` when the inbox is pruned, for one).
@Suite("Dates stored by hand")
struct StoredDateTests {
    /// Dates at the edges (the epoch, before it, the year 9999), then random milliseconds from 1906 to 2096.
    static func samples() -> [Date] {
        var generator = SystemRandomNumberGenerator()
        return [0, 1, -1, 0.999, 951_782_400, 1_764_633_600.5, 4_102_444_799.999, -2_208_988_800, 253_402_300_799]
            .map(Date.init(timeIntervalSince1970:))
            + (0..<2_000).map { _ in
                Date(
                    timeIntervalSince1970: Double(
                        Int64.random(in: -2_000_000_000_000...4_000_000_000_000, using: &generator)) / 1000)
            }
    }

    @Test("the hand-written text is GRDB's own, for dates with and without milliseconds, old and far")
    func sameAsGRDB() throws {
        for date in Self.samples() {
            #expect(date.storedValue == date.databaseValue, "\(date.timeIntervalSince1970)")
        }
        #expect(Date?.none.storedValue == .null)
    }

    @Test("GRDB reads the hand-written text back as the date, to the millisecond")
    func readBack() throws {
        let database = try DatabaseQueue()
        let date = Date(timeIntervalSince1970: 1_764_633_600.123)
        let read = try database.read { db in try Date.fetchOne(db, sql: "SELECT ?", arguments: [date.storedValue]) }
        #expect(read == Date.fromDatabaseValue(date.databaseValue), "as GRDB reads its own text")
        #expect(abs((read?.timeIntervalSince1970 ?? 0) - 1_764_633_600.123) < 0.000_5)
    }

    @Test(
        "read by hand, a stored date is the millisecond GRDB reads; other forms (numbers, no fraction, NULL) are GRDB's, an impossible date nil by hand"
    )
    func readByHand() throws {
        let samples = Self.samples()
        let database = try DatabaseQueue()
        try database.read { db in
            for date in samples {
                let row = try #require(try Row.fetchOne(db, sql: "SELECT ? AS at", arguments: [date.storedValue]))
                let byHand = try #require(row.storedDate(atIndex: 0))
                let byGRDB = try #require(Date.fromDatabaseValue(date.storedValue))
                // The same millisecond (GRDB's arithmetic may differ in the last bits of the Double).
                #expect(
                    (byHand.timeIntervalSince1970 * 1000).rounded() == (byGRDB.timeIntervalSince1970 * 1000).rounded(),
                    "\(date.timeIntervalSince1970)")
                #expect(row.storedDate("at") == byHand)
            }
            // What the hand-written reader does not take is GRDB's: a number (seconds), a text without milliseconds,
            // NULL.
            let others = try #require(
                try Row.fetchOne(db, sql: "SELECT 86400.5, '2026-12-07 10:11:12', NULL, '2026-02-30 00:00:00.000'"))
            #expect(others.storedDate(atIndex: 0) == Date(timeIntervalSince1970: 86400.5))
            #expect(others.storedDate(atIndex: 1) == Timestamp.parse("2026-12-07T10:11:12Z"))
            #expect(others.storedDate(atIndex: 2) == nil)
            #expect(Timestamp.parseStored("2026-02-30 00:00:00.000") == nil, "February 30 is no date")
        }
    }
}
