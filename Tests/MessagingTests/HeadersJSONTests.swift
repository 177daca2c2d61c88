import Foundation
import Testing

@testable import Messaging

/// The outbox's hand-written header coding agrees with JSON itself.
@Suite("Outbox headers as JSON")
struct HeadersJSONTests {
    static let samples: [[String: String]] = [
        [:],
        [MessageHeader.traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"],
        ["a": "1", "b": "", "x-magistere-reason": "database is busy: \"locked\" \\ retry\nnow\t\u{1}", "é": "ü ✓ 🎓"],
        ["k:,{}": "v:,{}\"", "": "empty key"],
    ]

    @Test("what it writes, JSONDecoder reads as the same headers, and it reads back JSONEncoder's output too")
    func roundTrip() throws {
        for headers in Self.samples {
            let text = try HeadersJSON.encode(headers)
            #expect(try JSONDecoder().decode([String: String].self, from: Data(text.utf8)) == headers, "\(text)")
            #expect(try HeadersJSON.decode(text) == headers, "\(text)")
            let foundation = String(decoding: try JSONEncoder().encode(headers), as: UTF8.self)
            #expect(try HeadersJSON.decode(foundation) == headers, "\(foundation)")
        }
    }

    @Test("text that is not a JSON object of strings is refused, never half read")
    func refusesGarbage() {
        for text in ["{\"a\":1}", "{\"a\":\"b\"", "[\"a\"]", "{\"a\" \"b\"}"] {
            #expect(throws: (any Error).self, "\(text)") { try HeadersJSON.decode(text) }
        }
    }
}
