/// Event ids derived from what they announce, so that announcing the same fact again (a recomputation, a
/// redelivered message, a retried request) yields the same id, which the outbox then ignores.
///
/// The id is the first 128 bits of SHA-256 over the parts joined by `|`, formatted as a UUID with the
/// version 8 ("custom") and RFC 9562 variant bits set.
public enum DeterministicID {
    /// The id of `parts`, e.g. `["e-42", "course-completed", "1"]`.
    public static func make(_ parts: [String]) -> String {
        var bytes = Array(SHA256.digest(Array(parts.joined(separator: "|").utf8)).prefix(16))
        bytes[6] = (bytes[6] & 0x0f) | 0x80
        bytes[8] = (bytes[8] & 0x3f) | 0x80
        let hex = bytes.map { byte in
            let text = String(byte, radix: 16)
            return text.count == 1 ? "0" + text : text
        }.joined()
        let characters = Array(hex)
        return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(characters[$0]) }.joined(separator: "-")
    }

    /// The id of the `tracking.course.completed.v1` event of an enrolment's completion revision under a rule
    /// version (revision 1 keeps the id it had before corrections existed).
    public static func courseCompleted(enrolmentID: String, ruleVersion: Int, revision: Int = 1) -> String {
        revision == 1
            ? make([enrolmentID, "course-completed", String(ruleVersion)])
            : make([enrolmentID, "course-completed", String(ruleVersion), "revision", String(revision)])
    }

    /// The id of the `tracking.course.completion-revoked.v1` event revoking an enrolment's completion revision.
    public static func completionRevoked(enrolmentID: String, revision: Int) -> String {
        make([enrolmentID, "course-completion-revoked", String(revision)])
    }

    /// The id of the `tracking.activity.completed.v1` event of an enrolment's activity under a rule version.
    public static func activityCompleted(enrolmentID: String, activityID: String, ruleVersion: Int) -> String {
        make([enrolmentID, "activity-completed", activityID, String(ruleVersion)])
    }
}
