/// What a learner does in one step of a course ("type d'activité").
public enum ActivityKind: String, Codable, Sendable, CaseIterable {
    /// Watch a video.
    case video
    /// Analyse a filmed or written classroom sequence.
    case sequenceAnalysis
    /// Take part in a scheduled virtual class (synchronous, at a distance).
    case virtualClass
    /// Prepare something together with other participants.
    case collectivePreparation
    /// Answer a self-assessment quiz; passed at or above the activity's threshold.
    case selfAssessmentQuiz
    /// Contribute to a discussion forum.
    case forum
    /// Attend a dated in-person meeting.
    case inPersonMeeting
    /// Read or download a resource.
    case resource
}
