/// An AMQP topic binding pattern: words separated by dots, `*` matching one word, `#` zero or more.
public struct TopicPattern: Sendable, Hashable {
    public let pattern: String
    private let words: [Substring]

    public init(_ pattern: String) {
        self.pattern = pattern
        self.words = pattern.split(separator: ".", omittingEmptySubsequences: false)
    }

    /// True when the routing key matches, with the broker's semantics.
    public func matches(_ routingKey: String) -> Bool {
        let key = routingKey.split(separator: ".", omittingEmptySubsequences: false)
        return Self.match(words[...], key[...])
    }

    private static func match(_ pattern: ArraySlice<Substring>, _ key: ArraySlice<Substring>) -> Bool {
        guard let head = pattern.first else { return key.isEmpty }
        if head == "#" {
            let rest = pattern.dropFirst()
            var tail = key
            while true {
                if match(rest, tail) { return true }
                guard !tail.isEmpty else { return false }
                tail = tail.dropFirst()
            }
        }
        guard let word = key.first else { return false }
        return (head == "*" || head == word) && match(pattern.dropFirst(), key.dropFirst())
    }
}
