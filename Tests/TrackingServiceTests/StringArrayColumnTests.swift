import Foundation
import Testing

@testable import TrackingService

@Suite("Columns of string arrays")
struct StringArrayColumnTests {
    @Test("read by hand, the criteria are what JSONEncoder wrote, escapes, slashes and empty labels included")
    func criteriaRoundTrip() throws {
        let samples: [[String]] = [
            [], [""], ["completed:video"], ["completed:video", "passed:quiz", "attended:meeting", "group:2-of-3"],
            ["minimum-time:vidéo", "a,b", "c\",\"d", "with/slash", "back\\slash", "tab\there", "", "x"],
        ]
        for criteria in samples {
            let stored = String(decoding: try JSONEncoder().encode(criteria), as: UTF8.self)
            #expect(try StringArrayColumn.read(stored) == criteria, "\(stored)")
        }
        #expect(throws: (any Error).self) { try StringArrayColumn.read("not json") }
    }
}
