/// Whether a participant was at a dated in-person meeting or virtual class, as a trainer recorded it.
///
/// Only `present` counts as attended: an excused absence is justified, but it is still an absence
/// and credits nothing.
public enum AttendanceStatus: String, Codable, Sendable, CaseIterable {
    case present
    case absent
    case excused
}
