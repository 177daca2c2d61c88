/// A bar chart drawn on the server as SVG (no chart library, no script): bars of counts on a 150 px baseline, at
/// most 120 px high, with the text equivalent its `figcaption` gives.
struct BarChart: Sendable {
    struct Bar: Sendable {
        var label: String
        var count: Int
        var x: Int
        var y: Int
        var height: Int
        var labelX: Int
        var countY: Int
    }

    var bars: [Bar]
    /// `label : count, …`, for the caption.
    var summary: String

    /// One bar per label, `step` pixels apart, each `width` wide, the highest count 120 px high.
    init(labels: [String], counts: [Int], step: Int, width: Int) {
        let highest = max(1, counts.max() ?? 1)
        bars = zip(labels, counts).enumerated().map { index, pair in
            let height = pair.1 * 120 / highest
            return Bar(
                label: pair.0, count: pair.1, x: 40 + index * step, y: 150 - height, height: height,
                labelX: 40 + index * step + width / 2, countY: 145 - height)
        }
        summary = zip(labels, counts).map { "\($0) : \($1)" }.joined(separator: ", ")
    }
}
