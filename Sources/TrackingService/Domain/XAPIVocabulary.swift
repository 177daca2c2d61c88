import Contracts
import Foundation

/// The xAPI verbs, the activity IRI scheme and the agent accounts tracking understands.
///
/// Activity ids: `https://magistere.education.gouv.fr/xapi/activities/{courseID}/{activityID}` (both
/// percent-encoded). A statement about an activity is applied to progress only when `{courseID}` is the
/// course of the registration's session and `{activityID}` an activity of its pinned version; any other
/// object is stored and returned, but changes no progress.
enum XAPIVocabulary {
    static let version = "1.0.3"
    static let activityPrefix = "https://magistere.education.gouv.fr/xapi/activities/"
    /// The `account.homePage` of the platform's people: an agent `{"account": {"homePage": this, "name": id}}`
    /// is the person whose pseudonymous id (the token's subject) is `id`.
    static let accountHomePage = "https://magistere.education.gouv.fr"

    enum Verb: String, CaseIterable {
        case completed = "http://adlnet.gov/expapi/verbs/completed"
        case passed = "http://adlnet.gov/expapi/verbs/passed"
        case failed = "http://adlnet.gov/expapi/verbs/failed"
        case progressed = "http://adlnet.gov/expapi/verbs/progressed"
        case attended = "http://adlnet.gov/expapi/verbs/attended"
        case voided = "http://adlnet.gov/expapi/verbs/voided"
    }

    /// The IRI of an activity of a course.
    static func activityIRI(courseID: String, activityID: String) -> String {
        let allowed = CharacterSet.urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))
        return activityPrefix + (courseID.addingPercentEncoding(withAllowedCharacters: allowed) ?? courseID) + "/"
            + (activityID.addingPercentEncoding(withAllowedCharacters: allowed) ?? activityID)
    }

    /// The activity type IRI of a course activity's kind: ADL's where there is one, the platform's otherwise.
    static func activityTypeIRI(of kind: ActivityKind) -> String {
        switch kind {
        case .video: "http://adlnet.gov/expapi/activities/media"
        case .selfAssessmentQuiz: "http://adlnet.gov/expapi/activities/assessment"
        case .inPersonMeeting, .virtualClass: "http://adlnet.gov/expapi/activities/meeting"
        case .sequenceAnalysis, .collectivePreparation, .forum, .resource:
            "https://magistere.education.gouv.fr/xapi/activity-types/\(kind.rawValue)"
        }
    }

    /// The course and activity ids of an IRI of the scheme, if it is one.
    static func activity(fromIRI iri: String) -> (courseID: String, activityID: String)? {
        guard iri.hasPrefix(activityPrefix) else { return nil }
        let parts = iri.dropFirst(activityPrefix.count).split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let course = parts[0].removingPercentEncoding,
            let activity = parts[1].removingPercentEncoding, !course.isEmpty, !activity.isEmpty
        else { return nil }
        return (course, activity)
    }
}
