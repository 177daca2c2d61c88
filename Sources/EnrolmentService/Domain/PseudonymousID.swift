/// The shape of the pseudonymous ids the platform handles (teachers, trainers, managers): never a
/// name or an e-mail address.
public enum PseudonymousID {
    /// 1 to 64 characters among letters, digits, `-`, `_`, `.` and `:`; no `@`.
    public static func isValid(_ text: String) -> Bool {
        (1...64).contains(text.count)
            && text.unicodeScalars.allSatisfy {
                ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || "-_.:".unicodeScalars.contains($0)
            }
    }
}
