import Foundation

/// A column holding a JSON array of strings as `JSONEncoder` writes it (a session's staff ids, a completion's
/// criteria): hot reads — every progress report reads its session, every trainer's table its completions — split the
/// plain form (no escapes: ids and criteria labels are letters, digits and `-_.:`) directly, and leave anything else
/// to the JSON decoder (a decoder per row was ~5 % of tracking's CPU with trainers reading their tables).
enum StringArrayColumn {
    static func read(_ text: String) throws -> [String] {
        if text == "[]" { return [] }
        guard text.hasPrefix("[\""), text.hasSuffix("\"]"), text.count >= 4, !text.contains("\\") else {
            return try JSONDecoder().decode([String].self, from: Data(text.utf8))
        }
        // Without escapes every quote delimits a string: `["a","b"]` is `a` and `b`.
        return text.dropFirst(2).dropLast(2).components(separatedBy: "\",\"")
    }
}
