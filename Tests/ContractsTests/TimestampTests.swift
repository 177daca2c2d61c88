import Contracts
import Foundation
import Testing

@Suite("Times travel as RFC 3339 UTC with milliseconds, and survive any number of round trips")
struct TimestampTests {
    @Test("every millisecond written on the wire reads back and re-writes identically")
    func everyMillisecondRoundTrips() throws {
        for second in ["2025-12-10T20:05:31", "2026-08-31T23:59:59", "1969-12-31T23:59:59"] {
            for millisecond in 0..<1000 {
                let text = "\(second).\(String(format: "%03d", millisecond))Z"
                let date = try #require(Timestamp.parse(text))
                #expect(Timestamp.format(date) == text)
                #expect(Timestamp.parse(Timestamp.format(date)) == date)
            }
        }
    }

    @Test("a time taken from the clock is written truncated to the millisecond, and reads back as its truncation")
    func clockTimes() throws {
        for offset in stride(from: 0.0, to: 5.0, by: 0.0001234) {
            let date = Date(timeIntervalSince1970: 1_765_397_131 + offset)
            let read = try #require(Timestamp.parse(Timestamp.format(date)))
            #expect(read == Timestamp.truncated(date))
            // Truncated, except that a time less than a microsecond below a millisecond counts as it.
            #expect(date.timeIntervalSince(read) > -0.000_002 && date.timeIntervalSince(read) < 0.001)
        }
    }

    @Test("times with or without milliseconds, in UTC or with an offset, are read")
    func readsOtherForms() throws {
        #expect(Timestamp.parse("2025-10-06T07:00:00Z") == Timestamp.parse("2025-10-06T09:00:00.000+02:00"))
        let date = try #require(Timestamp.parse("2025-10-14T21:42:17.350+02:00"))
        #expect(Timestamp.format(date) == "2025-10-14T19:42:17.350Z")
        #expect(Timestamp.parse("le 14 octobre") == nil)
    }

    @Test(
        "the hand-written form is Foundation's since the Gregorian calendar (RFC 3339's proleptic one before), and reads back the same"
    )
    func sameAsFoundation() throws {
        var generator = SystemRandomNumberGenerator()
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        var dates = [-62_135_596_800.0, 253_402_300_799.999, 951_782_400.0, 4_107_542_400.0, -1.0, 0, 1_709_164_800.5]
        for _ in 0..<5_000 {
            dates.append(Double(Int64.random(in: -62_135_596_800_000...253_402_300_799_999, using: &generator)) / 1000)
        }
        for seconds in dates {
            let date = Timestamp.truncated(Date(timeIntervalSince1970: seconds))
            let text = Timestamp.format(date)
            if seconds >= -12_212_553_600 {  // 1583-01-01: before it Foundation counts in the Julian calendar
                // Foundation rounds the fraction of far dates where the platform truncates: compare to the second.
                #expect(text.prefix(19) == formatter.string(from: date).prefix(19), "\(seconds)")
            }
            #expect(Timestamp.parse(text) == date, "\(text)")
            #expect(Timestamp.truncated(date) == date, "truncating twice changes nothing: \(text)")
        }
        for invalid in [
            "2026-02-30T10:00:00Z", "2026-13-01T10:00:00.000Z", "2026-01-01T24:00:00Z", "2026-01-01 10:00:00Z",
        ] {
            #expect(Timestamp.parse(invalid) == nil, "\(invalid)")
        }
    }
}
