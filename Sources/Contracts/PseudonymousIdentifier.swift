/// The shape of the ids that name people and academies on the platform (token subjects, participants,
/// trainers, academy codes) and of the ids of sessions and enrolments: ASCII letters, digits and
/// `- _ . :` — never a name or an e-mail address.
public enum PseudonymousIdentifier {
    /// Whether `text` is 1 to `maximumLength` bytes of that alphabet.
    public static func isValid(_ text: String, maximumLength: Int = 64) -> Bool {
        guard (1...maximumLength).contains(text.utf8.count) else { return false }
        return text.utf8.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                || byte == 0x2D || byte == 0x5F || byte == 0x2E || byte == 0x3A
        }
    }
}
