import Contracts
import Foundation

/// One step of a course ("activité"): what the participant does, alone or together, at a distance
/// or in person, and for how long.
///
/// `id` is stable within the course across its versions (progress and meetings refer to it). An
/// activity submitted without an id gets one from ``CourseDraft/assigningMissingActivityIDs()``.
public struct Activity: Codable, Sendable, Equatable {
    public var id: String
    public var title: String
    public var kind: ActivityKind
    public var grouping: Grouping
    public var modality: Modality
    /// The designer's estimate in whole minutes; must be positive.
    public var estimatedMinutes: Int
    /// Whether the activity counts for completion.
    public var required: Bool
    /// The passing score as a fraction in (0, 1]: for self-assessment quizzes, and for other activities whose
    /// ``moveOn`` involves passing.
    public var passThreshold: Double?
    /// How to run the activity, for trainers.
    public var trainerNotes: String?
    /// What makes the activity count for completion (cmi5 `moveOn`); nil: the kind's default.
    public var moveOn: MoveOn?
    /// Minutes a participant must spend on a distance activity before it counts; nil: no minimum.
    public var minimumMinutes: Int?

    public init(
        id: String = "", title: String, kind: ActivityKind, grouping: Grouping = .individual,
        modality: Modality = .distance, estimatedMinutes: Int, required: Bool = true, passThreshold: Double? = nil,
        trainerNotes: String? = nil, moveOn: MoveOn? = nil, minimumMinutes: Int? = nil
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

    // MARK: - Coding (only title, kind and estimatedMinutes are mandatory in requests)

    enum CodingKeys: String, CodingKey {
        case id, title, kind, grouping, modality, estimatedMinutes, required, passThreshold, trainerNotes
        case moveOn, minimumMinutes
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decodeIfPresent(String.self, forKey: .id) ?? ""
        title = try container.decode(String.self, forKey: .title)
        kind = try container.decode(ActivityKind.self, forKey: .kind)
        grouping = try container.decodeIfPresent(Grouping.self, forKey: .grouping) ?? .individual
        modality = try container.decodeIfPresent(Modality.self, forKey: .modality) ?? .distance
        estimatedMinutes = try container.decode(Int.self, forKey: .estimatedMinutes)
        required = try container.decodeIfPresent(Bool.self, forKey: .required) ?? true
        passThreshold = try container.decodeIfPresent(Double.self, forKey: .passThreshold)
        trainerNotes = try container.decodeIfPresent(String.self, forKey: .trainerNotes)
        moveOn = try container.decodeIfPresent(MoveOn.self, forKey: .moveOn)
        minimumMinutes = try container.decodeIfPresent(Int.self, forKey: .minimumMinutes)
    }

    // MARK: - Snapshots

    /// The activity as a published version freezes it.
    public var snapshot: ActivitySnapshot {
        ActivitySnapshot(
            id: id, title: title, kind: kind, grouping: grouping, modality: modality,
            estimatedMinutes: estimatedMinutes, required: required, passThreshold: passThreshold,
            trainerNotes: trainerNotes, moveOn: moveOn, minimumMinutes: minimumMinutes)
    }

    public init(_ snapshot: ActivitySnapshot) {
        self.init(
            id: snapshot.id, title: snapshot.title, kind: snapshot.kind, grouping: snapshot.grouping,
            modality: snapshot.modality, estimatedMinutes: snapshot.estimatedMinutes, required: snapshot.required,
            passThreshold: snapshot.passThreshold, trainerNotes: snapshot.trainerNotes, moveOn: snapshot.moveOn,
            minimumMinutes: snapshot.minimumMinutes)
    }

    // MARK: - Rules

    /// The largest estimate accepted for one activity (a week of full days).
    public static let maximumMinutes = 5 * 8 * 60

    /// The rules one activity must follow, its fields named under `path` (e.g. `activities[2]`).
    public func issues(at path: String) -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        if !id.isEmpty && !CatalogIdentifier.isValid(id) {
            issues.append(.init(field: "\(path).id", problem: CatalogIdentifier.rule))
        }
        if title.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            issues.append(.init(field: "\(path).title", problem: "must not be empty"))
        }
        if estimatedMinutes <= 0 {
            issues.append(.init(field: "\(path).estimatedMinutes", problem: "must be a positive number of minutes"))
        } else if estimatedMinutes > Self.maximumMinutes {
            issues.append(
                .init(field: "\(path).estimatedMinutes", problem: "must be at most \(Self.maximumMinutes) minutes"))
        }
        let attended = kind == .inPersonMeeting || kind == .virtualClass
        let criterion = moveOn ?? .default(for: kind)
        if kind == .selfAssessmentQuiz {
            if passThreshold == nil {
                issues.append(
                    .init(field: "\(path).passThreshold", problem: "a self-assessment quiz needs a pass threshold"))
            }
            if criterion != .passed && criterion != .notApplicable {
                issues.append(
                    .init(
                        field: "\(path).moveOn",
                        problem: "a self-assessment quiz counts when Passed (or is NotApplicable)"))
            }
        } else if attended {
            if criterion != .completed && criterion != .notApplicable {
                issues.append(
                    .init(
                        field: "\(path).moveOn",
                        problem: "a meeting or virtual class counts when attended: Completed (or NotApplicable)"))
            }
            if passThreshold != nil {
                issues.append(
                    .init(field: "\(path).passThreshold", problem: "a meeting or virtual class has no pass threshold"))
            }
        } else if criterion.involvesPassing, passThreshold == nil {
            issues.append(
                .init(field: "\(path).passThreshold", problem: "moveOn \(criterion.rawValue) needs a pass threshold"))
        } else if !criterion.involvesPassing, passThreshold != nil {
            issues.append(
                .init(
                    field: "\(path).passThreshold",
                    problem: "only quizzes and activities whose moveOn involves passing have a pass threshold"))
        }
        if let threshold = passThreshold, !(threshold > 0 && threshold <= 1) {
            issues.append(.init(field: "\(path).passThreshold", problem: "must be a fraction above 0 and at most 1"))
        }
        if criterion == .notApplicable, required {
            issues.append(
                .init(
                    field: "\(path).moveOn", problem: "NotApplicable is no criterion: the activity cannot be required"))
        }
        if let minimum = minimumMinutes {
            if attended {
                issues.append(
                    .init(
                        field: "\(path).minimumMinutes",
                        problem: "a meeting or virtual class counts by attendance, not by time spent"))
            } else if minimum <= 0 || minimum > Self.maximumMinutes {
                issues.append(
                    .init(
                        field: "\(path).minimumMinutes",
                        problem: "must be a positive number of minutes, at most \(Self.maximumMinutes)"))
            }
        }
        return issues
    }
}
