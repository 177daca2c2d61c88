import Foundation

/// The words the pages use for the platform's codes (French, as the platform's users speak).
enum Labels {
    static let facets: [(name: String, label: String)] = [
        ("origin", "Offre"), ("academy", "Académie"), ("schoolLevel", "Degré"), ("domain", "Domaine"),
        ("modality", "Modalité"), ("nature", "Nature"), ("duration", "Durée"),
    ]

    static func value(_ facet: String, _ code: String) -> String {
        switch (facet, code) {
        case ("origin", "national"): "Offre nationale"
        case ("origin", "academy"): "Offre académique"
        case ("schoolLevel", "primary"): "Premier degré"
        case ("schoolLevel", "secondary"): "Second degré"
        case ("modality", "distance"): "À distance"
        case ("modality", "hybrid"): "Hybride"
        case ("modality", "inPerson"): "En présence"
        case ("nature", "tutored"): "Tutorée"
        case ("nature", "selfPaced"): "En autonomie"
        case ("duration", "lessThan3h"): "Moins de 3 h"
        case ("duration", "from3To6h"): "De 3 à 6 h"
        case ("duration", "from6To9h"): "De 6 à 9 h"
        case ("duration", "moreThan9h"): "Plus de 9 h"
        case ("academy", _): code.capitalizedFirst
        default: code
        }
    }

    static func activityKind(_ kind: String) -> String {
        [
            "video": "Vidéo", "sequenceAnalysis": "Analyse de séquence", "virtualClass": "Classe virtuelle",
            "collectivePreparation": "Préparation collective", "selfAssessmentQuiz": "Quiz d'auto-positionnement",
            "forum": "Forum", "inPersonMeeting": "Regroupement en présence", "resource": "Ressource",
        ][kind] ?? kind
    }

    static func enrolmentState(_ state: String) -> String {
        [
            "applied": "Candidature envoyée", "designated": "Désigné·e", "approved": "Inscrit·e",
            "refused": "Candidature refusée", "waitlisted": "En liste d'attente", "withdrawn": "Retiré·e",
            "completed": "Parcours terminé",
        ][state] ?? state
    }

    static func sessionState(_ state: String) -> String {
        [
            "inPreparation": "En préparation", "openForEnrolment": "Inscriptions ouvertes", "running": "En cours",
            "closed": "Close", "cancelled": "Annulée",
        ][state] ?? state
    }

    static let sessionStates = ["inPreparation", "openForEnrolment", "running", "closed", "cancelled"]

    static func mode(_ mode: String) -> String {
        ["application": "Sur candidature", "designation": "Sur désignation", "open": "Inscription libre"][mode] ?? mode
    }

    /// What an audited act of a session is, in words.
    static func auditAction(_ action: String) -> String {
        [
            "attendance-corrected": "Correction d'émargement", "attendance-backdated": "Émargement antidaté",
            "statement-voided": "Déclaration xAPI annulée", "completion-reevaluated": "Achèvement réévalué",
        ][action] ?? action
    }

    static func attendance(_ status: String) -> String {
        ["present": "Présent·e", "absent": "Absent·e", "excused": "Excusé·e"][status] ?? status
    }

    /// `1 h 30`, `45 min`.
    static func minutes(_ minutes: Int) -> String {
        let (hours, rest) = minutes.quotientAndRemainder(dividingBy: 60)
        if hours == 0 { return "\(rest) min" }
        return rest == 0 ? "\(hours) h" : String(format: "%d h %02d", hours, rest)
    }

    static func seconds(_ seconds: Int) -> String { minutes((seconds + 59) / 60) }

    /// The platform's people are in France: dates and times are Paris's.
    static let paris = TimeZone(identifier: "Europe/Paris") ?? .gmt
    static let dateFormat = Date.FormatStyle(
        date: .long, time: .omitted, locale: Locale(identifier: "fr_FR"), timeZone: paris)
    static let dateTimeFormat = Date.FormatStyle(
        date: .abbreviated, time: .shortened, locale: Locale(identifier: "fr_FR"), timeZone: paris)

    static func date(_ date: Date) -> String { date.formatted(dateFormat) }
    static func dateTime(_ date: Date) -> String { date.formatted(dateTimeFormat) }
}
