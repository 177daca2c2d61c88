import Contracts

extension ActivitySnapshot {
    /// An activity of a sample course: at a distance unless it is an in-person meeting, collective for the kinds
    /// done together (virtual classes, forums, meetings, collective preparation).
    public static func sample(
        _ id: String, _ title: String, _ kind: ActivityKind, minutes: Int, required: Bool = true,
        passThreshold: Double? = nil, moveOn: MoveOn? = nil, minimumMinutes: Int? = nil
    ) -> ActivitySnapshot {
        let collective: Set<ActivityKind> = [.virtualClass, .forum, .inPersonMeeting, .collectivePreparation]
        return ActivitySnapshot(
            id: id, title: title, kind: kind, grouping: collective.contains(kind) ? .collective : .individual,
            modality: kind == .inPersonMeeting ? .inPerson : .distance, estimatedMinutes: minutes, required: required,
            passThreshold: passThreshold, moveOn: moveOn, minimumMinutes: minimumMinutes)
    }
}
