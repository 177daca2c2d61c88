import CatalogService
import Contracts
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// A designer corrects the completion rules of a published version (issue 18): the version never changes, the rules
/// become its next revision, checked like a draft's and announced in the same transaction.
@Suite("Corrections of a published version's completion rules")
struct RulesRevisionAPITests {
    static func rules(threshold: Double = 0.7, meetingRequired: Bool = true) -> [[String: Any]] {
        [
            ["activityID": "a1", "required": true, "minimumMinutes": 10],
            ["activityID": "a2", "required": true, "passThreshold": threshold, "moveOn": "Passed"],
            ["activityID": "a3", "required": meetingRequired],
        ]
    }

    @Test("a correction is the next rules revision, announced once; the version's snapshot does not change")
    func correct() async throws {
        let fixture = try await CatalogFixture.make()
        let designer = try await Callers.nationalDesigner()
        try await fixture.application.test(.router) { client in
            let id = try await client.publishedCourse(as: designer)
            let uri = "/courses/\(id)/versions/1/rules"
            let initial = try await client.send(.get, uri)
            #expect(initial.status == .ok && initial.eTag == "\"1\"")
            #expect(try initial.object["rulesRevision"] as? Int == 1)

            let body: [String: Any] = [
                "reason": "Le seuil du quiz était trop exigeant ; le regroupement devient facultatif.",
                "activities": Self.rules(threshold: 0.5, meetingRequired: false),
            ]
            let corrected = try await client.send(.put, uri, json: body, headers: [.ifMatch: "\"1\""], as: designer)
            #expect(corrected.status == .ok, "\(corrected.text)")
            #expect(corrected.eTag == "\"2\"")
            let answer = try corrected.object
            #expect(answer["rulesRevision"] as? Int == 2)
            let corrections = try #require(answer["corrections"] as? [[String: Any]])
            #expect(corrections.first?["reason"] as? String == body["reason"] as? String)
            #expect(corrections.first?["designerID"] == nil, "a public answer names no designer")
            let stale = try await client.send(.put, uri, json: body, headers: [.ifMatch: "\"1\""], as: designer)
            #expect(stale.status == .preconditionFailed)
            let again = try await client.send(.put, uri, json: body, as: designer)
            #expect(again.status == .unprocessableContent, "the rules in force already")

            let snapshot = try await client.send(.get, "/courses/\(id)/versions/1").decode(CoursePublished.self)
            #expect(snapshot.activities[1].passThreshold == 0.7, "the published version never changes")
            #expect(try await client.send(.get, uri).object["rulesRevision"] as? Int == 2)
        }
        let events = try await fixture.outboxEvents(CourseRulesRevised.self)
        #expect(events.count == 1)
        let event = try #require(events.first)
        #expect(event.rulesRevision == 2 && event.version == 1)
        #expect(event.activities.map(\.activityID) == ["a1", "a2", "a3"])
        #expect(event.activities[1].passThreshold == 0.5 && event.activities[2].required == false)
        #expect(event.activities[0].minimumMinutes == 10)
        #expect(event.designerID == "d-national")
    }

    @Test("a correction is checked like a draft's rules, names every activity in order, says why, and is the scope's")
    func refused() async throws {
        let fixture = try await CatalogFixture.make()
        let designer = try await Callers.nationalDesigner()
        try await fixture.application.test(.router) { client in
            let id = try await client.publishedCourse(as: designer)
            let uri = "/courses/\(id)/versions/1/rules"
            var activities = Self.rules()
            activities.swapAt(0, 1)
            let outOfOrder = try await client.send(
                .put, uri, json: ["reason": "ordre", "activities": activities], as: designer)
            #expect(outOfOrder.status == .unprocessableContent)
            #expect(try outOfOrder.problemFields == ["activities[0].activityID", "activities[1].activityID"])
            let broken = try await client.send(
                .put, uri,
                json: [
                    "reason": " ",
                    "activities": [
                        ["activityID": "a1", "required": true, "moveOn": "Passed"],
                        ["activityID": "a2", "required": true, "passThreshold": 0.7],
                        ["activityID": "a3", "required": true, "minimumMinutes": 30],
                    ],
                ], as: designer)
            #expect(broken.status == .unprocessableContent)
            #expect(try broken.problemFields == ["reason"])
            let brokenRules = try await client.send(
                .put, uri,
                json: [
                    "reason": "essai",
                    "activities": [
                        ["activityID": "a1", "required": true, "moveOn": "Passed"],
                        ["activityID": "a2", "required": true, "passThreshold": 0.7],
                        ["activityID": "a3", "required": true, "minimumMinutes": 30],
                    ],
                ], as: designer)
            #expect(try brokenRules.problemFields == ["activities[0].passThreshold", "activities[2].minimumMinutes"])
            let other = try await client.send(
                .put, uri, json: ["reason": "autre", "activities": Self.rules(threshold: 0.5)],
                as: try await Callers.designer(of: "lyon"))
            #expect(other.status == .forbidden)
            let noVersion = try await client.send(
                .put, "/courses/\(id)/versions/7/rules", json: ["reason": "x", "activities": Self.rules()],
                as: designer)
            #expect(noVersion.status == .notFound)
        }
        #expect(try await fixture.outboxEvents(CourseRulesRevised.self).isEmpty)
    }
}
