/// One activity of a published course version, as the catalogue froze it.
public struct ActivitySnapshot: Codable, Sendable, Equatable {
    /// Stable within the course across its versions; progress and meetings refer to it.
    public let id: String
    public let title: String
    public let kind: ActivityKind
    public let grouping: Grouping
    public let modality: Modality
    /// The designer's estimate, in whole minutes; credited hours are computed from it.
    public let estimatedMinutes: Int
    /// Whether the activity counts for completion; optional ones do not.
    public let required: Bool
    /// For self-assessment quizzes: the score, as a fraction between 0 and 1, at or above which the
    /// quiz is passed (`0.7` means 70 %). Absent for other kinds.
    public let passThreshold: Double?
    /// How to run this activity, for trainers.
    public let trainerNotes: String?
    /// What makes the activity count for completion; absent: ``MoveOn/default(for:)``.
    public let moveOn: MoveOn?
    /// The time, in whole minutes, a participant must have spent on the activity (distance activities) before
    /// it counts; absent: no minimum.
    public let minimumMinutes: Int?

    /// The criterion that applies: the designer's, or the kind's default.
    public var criterion: MoveOn { moveOn ?? .default(for: kind) }

    public init(
        id: String, title: String, kind: ActivityKind, grouping: Grouping, modality: Modality,
        estimatedMinutes: Int, required: Bool, passThreshold: Double? = nil, trainerNotes: String? = nil,
        moveOn: MoveOn? = nil, minimumMinutes: Int? = nil
    ) {
        self.id = id
        self.title = title
        self.kind = kind
        self.grouping = grouping
        self.modality = modality
        self.estimatedMinutes = estimatedMinutes
        self.required = required
        self.passThreshold = passThreshold
        self.trainerNotes = trainerNotes
        self.moveOn = moveOn
        self.minimumMinutes = minimumMinutes
    }
}
