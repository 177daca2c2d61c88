import Foundation
import Testing

@testable import TrackingService

@Suite("Session rows")
struct SessionRowTests {
    @Test(
        "staff ids read back as written, by the quick path or the JSON decoder",
        arguments: [[], ["trainer-1"], ["t-1", "t.2", "x:y_z"], ["odd \"quoted\" id", "é"], [","]])
    func idsRoundTrip(_ ids: [String]) throws {
        let text = String(decoding: try JSONEncoder().encode(ids), as: UTF8.self)
        #expect(try SessionRow.ids(text) == ids)
    }
}
