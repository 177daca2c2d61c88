import Contracts
import Foundation
import Testing

@testable import CatalogService

/// The completion rules a designer writes in a course (issue 18): each activity's `moveOn` and minimum time,
/// the course's "N of these" groups — checked field by field, carried by the published snapshot.
@Suite("Completion rules in a course draft")
struct CompletionRulesDraftTests {
    static func analyses() -> [Activity] {
        CourseSamples.activities()
            + ["b1", "b2", "b3"].map {
                Activity(id: $0, title: "Analyse \($0)", kind: .sequenceAnalysis, estimatedMinutes: 40, required: false)
            }
    }

    @Test("a moveOn must fit the activity's kind; passing needs a threshold; NotApplicable is never required")
    func moveOnRules() {
        var activities = CourseSamples.activities()
        activities[0].moveOn = .passed  // a video to pass, without a threshold
        activities[1].moveOn = .completed  // a quiz counts when passed
        activities[2].moveOn = .completedOrPassed  // a meeting counts when attended
        #expect(
            CourseSamples.draft(activities: activities).issues.map(\.field) == [
                "activities[0].passThreshold", "activities[1].moveOn", "activities[2].moveOn",
            ])
        activities = CourseSamples.activities()
        activities[0].moveOn = .completedAndPassed
        activities[0].passThreshold = 0.6
        activities[2].moveOn = .notApplicable
        #expect(CourseSamples.draft(activities: activities).issues.map(\.field) == ["activities[2].moveOn"])
        activities[2].required = false
        #expect(CourseSamples.draft(activities: activities).issues.isEmpty)
    }

    @Test("a minimum time is for distance activities, positive and bounded")
    func minimumTime() {
        var activities = CourseSamples.activities()
        activities[0].minimumMinutes = 20
        #expect(CourseSamples.draft(activities: activities).issues.isEmpty)
        activities[0].minimumMinutes = 0
        activities[2].minimumMinutes = 60
        #expect(
            CourseSamples.draft(activities: activities).issues.map(\.field) == [
                "activities[0].minimumMinutes", "activities[2].minimumMinutes",
            ])
    }

    @Test("a group names known optional activities once, with a minimum it can reach")
    func groups() {
        var draft = CourseSamples.draft(activities: Self.analyses())
        draft.completionGroups = [
            CompletionGroup(id: "analyses", title: "Deux analyses", activityIDs: ["b1", "b2", "b3"], minimum: 2)
        ]
        #expect(draft.issues.isEmpty)
        #expect(draft.publicationIssues.isEmpty)
        draft.completionGroups = [
            CompletionGroup(id: "analyses", title: " ", activityIDs: ["b1", "zz", "a1"], minimum: 4),
            CompletionGroup(id: "analyses", title: "Encore", activityIDs: ["b1"], minimum: 1),
        ]
        #expect(
            draft.issues.map(\.field) == [
                "completionGroups[0].title", "completionGroups[0].activityIDs[1]", "completionGroups[0].activityIDs[2]",
                "completionGroups[0].minimum", "completionGroups[1].id", "completionGroups[1].activityIDs[0]",
            ])
    }

    @Test("the published snapshot carries the rules, and reads back into the same draft")
    func snapshotCarriesRules() throws {
        var activities = Self.analyses()
        activities[0].minimumMinutes = 25
        activities[3].moveOn = .completed
        var draft = CourseSamples.draft(activities: activities)
        draft.completionGroups = [
            CompletionGroup(id: "analyses", title: "Une analyse", activityIDs: ["b1", "b2"], minimum: 1)
        ]
        let version = CourseVersion(
            courseID: "c-1", number: 1, content: draft, derivedFrom: nil, publishedAt: Date(timeIntervalSince1970: 0))
        let event = version.event
        #expect(event.activities[0].minimumMinutes == 25)
        #expect(event.activities[3].moveOn == .completed)
        #expect(event.activities[3].criterion == .completed)
        #expect(event.activities[1].criterion == .passed, "a quiz's default")
        #expect(event.completionGroups == draft.completionGroups)
        #expect(CourseVersion(event).content == draft)
        let decoded = try EventCoding.decode(CoursePublished.self, from: try EventCoding.encode(event))
        #expect(decoded == event)
    }
}
