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
}
