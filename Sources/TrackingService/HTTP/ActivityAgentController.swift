import Contracts
import Foundation
import GRDB
import Hummingbird
import ServiceSupport

/// The xAPI 1.0.3 Activities and Agents resources (issue 18).
///
/// - `GET /xapi/activities?activityId=` answers the Activity object tracking holds: for an activity of a course it
///   tracks (the platform's IRI scheme), its definition from the latest course version it knows (the activity's
///   title as `name`, in French, and its kind as a `type` IRI); for any other IRI, the object with its id only, as
///   the specification allows.
/// - `GET /xapi/agents?agent=` answers the Person object of an agent: its identifiers. The platform keeps no names
///   (statements are stored without them), so a Person carries the account it was asked about and nothing else.
struct ActivityAgentController: Sendable {
    let stores: TrackingStores

    func addRoutes(to router: some RouterMethods<ServiceRequestContext>) {
        let group = router.group("xapi")
        group.get("activities") { request, context in
            _ = try QueryParameters(request, allowed: ["activityId"])
            let iri = try StatementController.activityID(StatementController.formDecodedQuery(request)["activityId"])
            var activity: [String: JSONValue] = ["objectType": .string("Activity"), "id": .string(iri)]
            if let target = XAPIVocabulary.activity(fromIRI: iri), let known = try await definition(of: target) {
                activity["definition"] = .object(known)
            }
            return StatementController.json(try JSONValue.object(activity).canonicalText())
        }
        group.get("agents") { request, context in
            _ = try QueryParameters(request, allowed: ["agent"])
            guard let text = StatementController.formDecodedQuery(request)["agent"] else {
                throw XAPIProblem.invalid("agent", "required, a JSON agent")
            }
            _ = try StatementController.agentKey(text)  // a JSON agent with one identifier, or 400
            guard case .object(let agent)? = try? JSONValue.parse(Data(text.utf8)) else {
                throw XAPIProblem.invalid("agent", "must be a JSON agent with one identifier")
            }
            var person: [String: JSONValue] = ["objectType": .string("Person")]
            for key in ["mbox", "mbox_sha1sum", "openid", "account"] {
                if let value = agent[key] { person[key] = .array([value]) }
            }
            return StatementController.json(try JSONValue.object(person).canonicalText())
        }
    }

    /// The definition of a course's activity from the latest version of the course tracking holds, if any.
    private func definition(of target: (courseID: String, activityID: String)) async throws -> [String: JSONValue]? {
        for store in stores.all {
            let found = try await store.read { db -> [String: JSONValue]? in
                guard
                    let version = try Int.fetchOne(
                        db, sql: "SELECT MAX(version) FROM course_version WHERE course_id = ?",
                        arguments: [target.courseID]),
                    let row = try CourseVersionRow.fetch(
                        CourseVersionRef(courseID: target.courseID, version: version), db),
                    let activity = row.activities.first(where: { $0.id == target.activityID })
                else { return nil }
                return [
                    "name": .object(["fr-FR": .string(activity.title)]),
                    "type": .string(XAPIVocabulary.activityTypeIRI(of: activity.kind)),
                ]
            }
            if let found { return found }
        }
        return nil
    }
}
