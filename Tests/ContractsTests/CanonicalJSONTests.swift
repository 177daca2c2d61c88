import Contracts
import Foundation
import Testing

/// The hand-written canonical encoder writes exactly what Foundation's `JSONEncoder`, configured as
/// `EventCoding.encoder()`, writes: on every event type, and on values built to reach its corners.
@Suite("Canonical JSON encoding")
struct CanonicalJSONTests {
    struct Corner: Codable, Equatable {
        var text: String
        var number: Double
        var integer: Int
        var small: Int8
        var big: UInt64
        var single: Float
        var flag: Bool
        var optional: String?
        var present: Int?
        var date: Date
        var data: Data
        var url: URL
        var list: [Corner]
        var map: [String: [Int]]
        var nested: [[String?]]
    }

    /// A class that encodes through `super`, as some hand-written Codable types do.
    class Base: Encodable {
        var base = "b"
    }
    final class Derived: Base {
        var own = 1
        enum Keys: String, CodingKey { case own, `super` }
        override func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(own, forKey: .own)
            try super.encode(to: container.superEncoder())
        }
    }

    static func corner(_ random: inout some RandomNumberGenerator, depth: Int = 0) -> Corner {
        let alphabet: [String] = [
            "a", "Z", "/", "\"", "\\", "\n", "\r", "\t", "\u{8}", "\u{C}", "\u{1}", "\u{1F}", "\u{7F}", "é", "ü", "✓",
            "🎓", "\u{2028}", " ", "<", "&",
        ]
        func text() -> String {
            (0..<Int.random(in: 0...12, using: &random)).map { _ in alphabet.randomElement(using: &random)! }.joined()
        }
        let doubles: [Double] = [
            0, -0.0, 1, -1, 0.1, 0.4, 0.75, 1.5, 100, 1e-5, 1e-7, 123456789.125, 1e21, 1e22, 9007199254740993,
            -2.5e-300,
            Double.random(in: -1e6...1e6, using: &random), Double.random(in: 0...1, using: &random),
        ]
        return Corner(
            text: text(), number: doubles.randomElement(using: &random)!,
            integer: Int.random(in: Int.min...Int.max, using: &random),
            small: Int8.random(in: Int8.min...Int8.max, using: &random),
            big: UInt64.random(in: 0...UInt64.max, using: &random),
            single: [Float(0.1), 1.5, 3, -7.25e-3].randomElement(using: &random)!, flag: Bool.random(using: &random),
            optional: Bool.random(using: &random) ? text() : nil, present: 7,
            date: Date(timeIntervalSince1970: Double(Int64.random(in: 0...4_000_000_000_000, using: &random)) / 1000),
            data: Data(text().utf8), url: URL(string: "https://example.org/a/b?q=1&r=é")!,
            list: depth < 2
                ? (0..<Int.random(in: 0...2, using: &random)).map { _ in corner(&random, depth: depth + 1) } : [],
            map: Dictionary(
                uniqueKeysWithValues: (0..<Int.random(in: 0...4, using: &random)).map { index in
                    ("\(text())\(index)", [index, -index])
                }),
            nested: [[text(), nil], []])
    }

    @Test("every event type's example encodes to the same bytes by both encoders", arguments: ContractCase.all)
    func events(_ contract: ContractCase) throws {
        #expect(try contract.exampleEncoding() == contract.foundationEncoding())
    }

    @Test("300 random values reaching escapes, numbers, nesting, optionals, dates, data and URLs: the same bytes")
    func randomValues() throws {
        var random = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            let value = Self.corner(&random)
            let ours = try EventCoding.encode(value)
            let foundation = try EventCoding.encoder().encode(value)
            #expect(
                ours == foundation,
                "\(String(decoding: ours, as: UTF8.self))\n\(String(decoding: foundation, as: UTF8.self))")
        }
    }

    @Test("super encoders, top-level scalars and arrays, and a value that is not JSON (infinity) behave alike")
    func corners() throws {
        #expect(try EventCoding.encode(Derived()) == EventCoding.encoder().encode(Derived()))
        #expect(try EventCoding.encode("a/\"b") == EventCoding.encoder().encode("a/\"b"))
        #expect(try EventCoding.encode([1, 2, 3]) == EventCoding.encoder().encode([1, 2, 3]))
        #expect(try EventCoding.encode([String: Int]()) == EventCoding.encoder().encode([String: Int]()))
        #expect(throws: EncodingError.self) { try EventCoding.encode(["x": Double.infinity]) }
        #expect(throws: EncodingError.self) { try EventCoding.encoder().encode(["x": Double.infinity]) }
    }
}
