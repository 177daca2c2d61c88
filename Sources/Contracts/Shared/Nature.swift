/// How a course is followed: alone ("autoformation") or accompanied by trainers ("accompagné").
public enum Nature: String, Codable, Sendable, CaseIterable {
    /// Self-paced: no trainer, the participant goes through the activities alone.
    case selfPaced
    /// Tutored: run as sessions with trainers and tutors.
    case tutored
}
