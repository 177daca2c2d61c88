import Foundation

/// The shape of course and activity ids: 1 to 64 ASCII letters, digits, `-` or `_`.
///
/// Ids travel in URL paths, logs and event subjects; a path segment of another shape names
/// nothing the catalogue could hold, so it is refused before any store access.
public enum CatalogIdentifier {
    /// What a valid id looks like, for problem details.
    public static let rule = "use 1 to 64 letters, digits, '-' or '_'"

    public static func isValid(_ id: String) -> Bool {
        (1...64).contains(id.count)
            && id.unicodeScalars.allSatisfy {
                $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_")
            }
    }
}
