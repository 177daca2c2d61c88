import CatalogService
import Contracts
import Foundation
import Testing

@Suite("Draft rules name the field to fix")
struct CourseDraftRulesTests {
    @Test("a complete draft breaks no rule, for a draft or for publication")
    func completeDraft() {
        let draft = CourseSamples.draft()
        #expect(draft.issues.isEmpty)
        #expect(draft.publicationIssues.isEmpty)
    }

    @Test("an empty or blank title is refused, naming 'title'")
    func emptyTitle() {
        #expect(CourseSamples.draft(title: "  ").issues.map(\.field) == ["title"])
        #expect(CourseSamples.draft(title: "").issues.map(\.field) == ["title"])
    }

    @Test("a draft without activities may be saved but not published")
    func noActivity() {
        let draft = CourseSamples.draft(activities: [])
        #expect(draft.issues.isEmpty)
        #expect(draft.publicationIssues.map(\.field) == ["activities"])
    }

    @Test("zero or negative minutes are refused, naming the activity's field", arguments: [0, -5])
    func nonPositiveMinutes(minutes: Int) {
        var activities = CourseSamples.activities()
        activities[2].estimatedMinutes = minutes
        #expect(CourseSamples.draft(activities: activities).issues.map(\.field) == ["activities[2].estimatedMinutes"])
    }

    @Test("a quiz needs a pass threshold above 0 and at most 1", arguments: [nil, 0.0, 1.5, -0.2] as [Double?])
    func quizThreshold(threshold: Double?) {
        var activities = CourseSamples.activities()
        activities[1].passThreshold = threshold
        #expect(CourseSamples.draft(activities: activities).issues.map(\.field) == ["activities[1].passThreshold"])
    }

    @Test("a threshold of exactly 1 is a valid quiz threshold")
    func thresholdOne() {
        var activities = CourseSamples.activities()
        activities[1].passThreshold = 1
        #expect(CourseSamples.draft(activities: activities).issues.isEmpty)
    }

    @Test("only quizzes have a pass threshold")
    func thresholdOnVideo() {
        var activities = CourseSamples.activities()
        activities[0].passThreshold = 0.5
        #expect(CourseSamples.draft(activities: activities).issues.map(\.field) == ["activities[0].passThreshold"])
    }

    @Test("two activities with the same id are refused, naming the second one")
    func duplicateIDs() {
        var activities = CourseSamples.activities()
        activities[2].id = "a1"
        #expect(CourseSamples.draft(activities: activities).issues.map(\.field) == ["activities[2].id"])
    }

    @Test("an academy's offer names its academy, and the national offer names none")
    func origins() {
        var draft = CourseSamples.draft()
        draft.origin = CourseOrigin(kind: .academy, academy: nil, sharedNationally: false)
        #expect(draft.issues.map(\.field) == ["origin.academy"])
        draft.origin = CourseOrigin(kind: .national, academy: "lyon", sharedNationally: true)
        #expect(draft.issues.map(\.field) == ["origin.academy"])
        draft.origin = .academy("lyon", sharedNationally: true)
        #expect(draft.issues.isEmpty)
    }

    @Test("publication needs a summary, an objective, a domain and a school level")
    func publicationFields() {
        var draft = CourseSamples.draft()
        draft.summary = ""
        draft.objectives = []
        draft.domain = " "
        draft.audience = Audience(schoolLevels: [])
        #expect(draft.issues.isEmpty)
        #expect(
            Set(draft.publicationIssues.map(\.field)) == ["summary", "objectives", "domain", "audience.schoolLevels"])
    }

    @Test("activities submitted without an id get the next free a<n> ids, others keep theirs")
    func assignedIDs() {
        let draft = CourseSamples.draft(activities: [
            Activity(id: "a4", title: "Forum", kind: .forum, estimatedMinutes: 20),
            Activity(title: "Vidéo", kind: .video, estimatedMinutes: 10),
            Activity(title: "Ressource", kind: .resource, estimatedMinutes: 10),
        ]).assigningMissingActivityIDs()
        #expect(draft.activities.map(\.id) == ["a4", "a5", "a6"])
    }
}

@Suite("Figures are computed from the activities")
struct CourseFiguresTests {
    @Test("distance and in-person minutes are summed per modality, optional activities included")
    func sums() {
        var activities = CourseSamples.activities()
        activities[0].required = false
        let figures = CourseFigures(activities: activities)
        #expect(figures.distanceMinutes == 45)
        #expect(figures.inPersonMinutes == 180)
        #expect(figures.durationBucket == .from3To6h)
        #expect(figures.modality == .hybrid)
    }

    @Test(
        "the duration bucket follows the offer's bounds",
        arguments: [
            (179, DurationBucket.lessThan3h), (180, .from3To6h), (360, .from3To6h), (361, .from6To9h),
            (541, .moreThan9h),
        ])
    func buckets(minutes: Int, bucket: DurationBucket) {
        let figures = CourseFigures(activities: [
            Activity(id: "a1", title: "Vidéo", kind: .video, estimatedMinutes: minutes)
        ])
        #expect(figures.durationBucket == bucket)
        #expect(figures.modality == .distance)
    }

    @Test("the published event carries the same figures as the draft")
    func eventFigures() {
        let version = CourseVersion(
            courseID: "c", number: 1, content: CourseSamples.draft(), derivedFrom: nil, publishedAt: CourseSamples.now)
        let event = version.event
        #expect(event.distanceMinutes == 45)
        #expect(event.inPersonMinutes == 180)
        #expect(event.durationBucket == .from3To6h)
        #expect(CourseVersion(event) == version)
    }
}
