import CatalogService
import Contracts
import Foundation

/// Small courses for the tests, valid for publication unless a test breaks them on purpose.
enum CourseSamples {
    static let now = Date(timeIntervalSince1970: 1_767_000_000)

    static func activities() -> [Activity] {
        [
            Activity(id: "a1", title: "Vidéo : la compréhension en lecture", kind: .video, estimatedMinutes: 30),
            Activity(
                id: "a2", title: "Quiz de positionnement", kind: .selfAssessmentQuiz, estimatedMinutes: 15,
                passThreshold: 0.7),
            Activity(
                id: "a3", title: "Regroupement en circonscription", kind: .inPersonMeeting, grouping: .collective,
                modality: .inPerson, estimatedMinutes: 180),
        ]
    }

    static func draft(title: String = "Enseigner la compréhension au CE1", activities: [Activity]? = nil) -> CourseDraft
    {
        CourseDraft(
            title: title, summary: "Des stratégies explicites pour comprendre les textes lus.",
            objectives: ["Conduire une séance d'évaluation diagnostique de la compréhension"],
            keywords: ["lecture", "compréhension"], domain: "Français",
            audience: Audience(schoolLevels: [.primary], disciplines: ["Français"], gradeLevels: ["CE1"]),
            origin: .national, nature: .tutored, activities: activities ?? Self.activities(),
            trainerNotes: "Prévoir des textes de l'album étudié.", owner: CourseOwner(organisation: "DGESCO"))
    }

    /// The JSON body of a draft, as a client sends it.
    static func json(_ draft: CourseDraft) throws -> Data {
        try EventCoding.encode(draft)
    }
}
