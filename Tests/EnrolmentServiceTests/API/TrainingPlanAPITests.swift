import Contracts
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import EnrolmentService

@Suite("A district's training plan over HTTP: versions, publication, designations, coverage")
struct TrainingPlanAPITests {
    static let district = "/academies/lyon/districts/Lyon%203"
    static let plans = "\(district)/plans/2026-2027"
    static let needs =
        "theme,domain,priority,teacherID,hoursWished\nRésoudre des problèmes,Mathématiques,1,t-1,6\n"
        + "Résoudre des problèmes,Mathématiques,2,t-2,6\nLecture au CP,Français,1,t-3,9\n"

    static func put(
        _ api: APIClient, version: Int, _ csv: String, as caller: TestCaller = .inspector(of: ["Lyon 3"]),
        ifMatch: String? = nil
    ) async throws -> APIClient.Reply {
        var headers: HTTPFields = [:]
        headers[.ifMatch] = ifMatch
        return try await api.request(
            .put, "\(plans)/versions/\(version)", as: caller, raw: csv, contentType: "text/csv", headers: headers)
    }

    @Test("an inspector drafts, publishes and supersedes a plan; published versions never change; each is announced")
    func versions() async throws {
        let fixture = try await EnrolmentFixture.make()
        try await fixture.publish()
        try await fixture.application.test(.router) { client in
            let api = APIClient(client: client)
            let inspector = TestCaller.inspector(of: ["Lyon 3"])
            let noDiagnosis = try await Self.put(api, version: 1, "theme,sessionID,teacherID\nA,s-1,t-1\n")
            #expect(noDiagnosis.status == .conflict, "no plan without the year's needs: \(noDiagnosis.text)")
            _ = try await api.request(
                .put, "\(Self.district)/needs/2026-2027", raw: Self.needs, contentType: "text/csv")
            let small = try await api.openSession(capacity: 2, mode: .designation)
            let elsewhere = try await api.post(
                "/sessions",
                json: SessionPlan(
                    course: CourseVersionRef(courseID: "crs-math", version: 1), academy: "lyon", schoolLevel: .primary,
                    district: "Lyon 5", calendar: Fixtures.calendar(), trainerIDs: ["f-1"], tutorIDs: [], capacity: 5,
                    mode: .designation)
            ).decode(SessionView.self).id

            // Every bad line at once, and nothing stored.
            let bad = try await Self.put(
                api, version: 1,
                """
                theme,sessionID,teacherID
                Résoudre des problèmes,\(small),t-1
                Géométrie,\(small),t-2
                Résoudre des problèmes,\(small),t-9
                Lecture au CP,\(elsewhere),t-3
                Lecture au CP,ses-unknown,t-3
                Lecture au CP,\(small),t-3
                Résoudre des problèmes,\(small),t-1
                """)
            #expect(bad.status == .unprocessableContent, "\(bad.text)")
            #expect(bad.problem?.errors?.map(\.line) == [8], "the file's own checks come first: a duplicate")
            let refused = try await Self.put(
                api, version: 1,
                """
                theme,sessionID,teacherID
                Résoudre des problèmes,\(small),t-1
                Géométrie,\(small),t-2
                Lecture au CP,\(elsewhere),t-3
                Lecture au CP,ses-unknown,t-3
                Lecture au CP,\(small),t-3
                Résoudre des problèmes,\(small),t-9
                """)
            #expect(refused.status == .unprocessableContent, "\(refused.text)")
            let errors = try #require(refused.problem?.errors)
            #expect(errors.map(\.line) == [3, 4, 5, 6, 7])
            #expect(errors.map(\.field) == ["theme", "sessionID", "sessionID", "teacherID", "teacherID"])
            #expect(errors[2].problem.contains("no such session"))
            #expect(errors[3].problem.contains("2 seat(s)"), "a third teacher in a session of two seats")
            #expect(try await api.get("\(Self.plans)/versions/1", as: inspector).status == .notFound)

            // Only the next version can be drafted.
            let plan = "theme,sessionID,teacherID\nRésoudre des problèmes,\(small),t-1\nLecture au CP,\(small),t-3\n"
            #expect(try await Self.put(api, version: 2, plan).status == .conflict)
            let draft = try await Self.put(api, version: 1, plan)
            #expect(draft.status == .ok, "\(draft.text)")
            #expect(draft.headers[.eTag] == "\"1\"")
            let first = try draft.decode(TrainingPlanVersion.self)
            #expect(first.state == .draft && first.version == 1 && first.updatedBy == "ien-1")
            #expect(first.answers.map(\.theme) == ["Résoudre des problèmes", "Lecture au CP"])
            #expect(first.unansweredThemes.isEmpty)
            let plan2 =
                "theme,sessionID,teacherID\nRésoudre des problèmes,\(small),t-1\nRésoudre des problèmes,\(small),t-2\n"
            #expect(try await Self.put(api, version: 1, plan2, ifMatch: "\"7\"").status == .preconditionFailed)
            let second = try await Self.put(api, version: 1, plan2, ifMatch: "\"1\"")
            #expect(second.status == .ok, "\(second.text)")
            #expect(second.headers[.eTag] == "\"2\"")
            #expect(try await fixture.outboxEvents(TrainingPlanPublished.self).isEmpty, "a draft is not announced")

            // Publishing the revision read; a stale one is refused.
            var stale: HTTPFields = [:]
            stale[.ifMatch] = "\"1\""
            let refusedPublish = try await api.request(
                .post, "\(Self.plans)/versions/1/publish", as: inspector, headers: stale)
            #expect(refusedPublish.status == .preconditionFailed)
            let published = try await api.post("\(Self.plans)/versions/1/publish", as: inspector)
            #expect(published.status == .ok, "\(published.text)")
            #expect(try published.decode(TrainingPlanVersion.self).publishedBy == "ien-1")

            // A published version never changes.
            let rewrite = try await Self.put(api, version: 1, plan)
            #expect(rewrite.status == .conflict)
            #expect(rewrite.problem?.currentState == "published")
            #expect(try await api.post("\(Self.plans)/versions/1/publish", as: inspector).status == .conflict)
            let announced = try await fixture.outboxEvents(TrainingPlanPublished.self)
            #expect(announced.count == 1)
            let event = try #require(announced.first)
            #expect(event.version == 1 && event.supersedesVersion == nil && event.district == "Lyon 3")
            #expect(event.subject == "lyon/Lyon 3/2026-2027")
            #expect(event.answers.map(\.theme) == ["Résoudre des problèmes"], "the revision published, not the first")
            #expect(event.answers[0].sessions.map(\.sessionID) == [small])
            #expect(event.answers[0].sessions[0].distanceMinutes == 135)
            #expect(
                event.assignments.map(\.teacherID) == ["t-1", "t-2"]
                    && event.assignments.allSatisfy { $0.sessionID == small })

            // The next version supersedes it.
            _ = try await Self.put(api, version: 2, "theme,sessionID,teacherID\nLecture au CP,\(small),t-3\n")
            #expect(try await api.post("\(Self.plans)/versions/2/publish", as: inspector).status == .ok)
            let events = try await fixture.outboxEvents(TrainingPlanPublished.self)
            #expect(events.map(\.version) == [1, 2] && events.last?.supersedesVersion == 1)
            let list = try await api.get(Self.plans, as: inspector).decode(VersionList.self)
            #expect(list.versions.map(\.version) == [2, 1])
            #expect(list.versions[0].unansweredThemes == ["Résoudre des problèmes"])
            #expect(
                try await api.post("\(Self.plans)/versions/1/designations", as: inspector).status == .conflict,
                "version 1 is superseded: nobody is designated from it")
            // What a published version answered stays as it was when the needs change afterwards.
            _ = try await api.request(
                .put, "\(Self.district)/needs/2026-2027",
                raw: "theme,domain,priority,teacherID,hoursWished\nGéométrie,Mathématiques,1,t-1,6\n",
                contentType: "text/csv")
            let frozen = try await api.get("\(Self.plans)/versions/2", as: inspector).decode(TrainingPlanVersion.self)
            #expect(frozen.unansweredThemes == ["Résoudre des problèmes"])
            #expect(frozen.answers.map(\.theme) == ["Lecture au CP"])

            // Only the district's inspectors and the academy's managers.
            for outsider in [TestCaller.inspector(of: ["Lyon 5"]), .teacher("t-1"), .otherAcademyManager, .trainer] {
                #expect(try await api.get(Self.plans, as: outsider).status == .forbidden)
                #expect(try await Self.put(api, version: 3, plan, as: outsider).status == .forbidden)
                #expect(try await api.post("\(Self.plans)/versions/2/publish", as: outsider).status == .forbidden)
                #expect(try await api.post("\(Self.plans)/versions/2/designations", as: outsider).status == .forbidden)
            }
            #expect(try await api.get("\(Self.plans)/versions/2", as: .nationalManager).status == .ok)
            #expect(try await api.get("\(Self.plans)/versions/x", as: inspector).status == .notFound)
        }
    }

    @Test(
        "designations from a published plan: once each, through the designation path; coverage counts what it assigns")
    func designations() async throws {
        let fixture = try await EnrolmentFixture.make()
        try await fixture.publish()
        try await fixture.application.test(.router) { client in
            let api = APIClient(client: client)
            let inspector = TestCaller.inspector(of: ["Lyon 3"])
            _ = try await api.request(
                .put, "\(Self.district)/needs/2026-2027", raw: Self.needs, contentType: "text/csv")
            let designation = try await api.openSession(capacity: 5, mode: .designation)
            let application = try await api.openSession(capacity: 5, mode: .application)
            let plan = """
                theme,sessionID,teacherID
                Résoudre des problèmes,\(designation),t-1
                Résoudre des problèmes,\(designation),t-2
                Lecture au CP,\(application),t-3
                """
            _ = try await Self.put(api, version: 1, plan)
            #expect(try await api.post("\(Self.plans)/versions/1/designations", as: inspector).status == .conflict)
            _ = try await api.post("\(Self.plans)/versions/1/publish", as: inspector)
            // t-1 already holds a seat: left as it is.
            _ = try await api.post(
                "/sessions/\(designation)/designations", json: ["participantID": "t-1"])

            let before = try await api.get("\(Self.district)/coverage/2026-2027", as: inspector).decode(
                DistrictCoverage.self)
            #expect(before.planVersion == 1)
            #expect(before.teachers.map(\.assignedSessionIDs) == [[designation], [designation], [application]])
            #expect(before.teachers.map(\.assignedMinutes) == [0, 315, 315], "t-1 holds the seat already: planned")
            #expect(before.teachers.map(\.plannedMinutes) == [315, 0, 0])

            let done = try await api.post("\(Self.plans)/versions/1/designations", as: inspector)
            #expect(done.status == .ok, "\(done.text)")
            let outcome = try done.decode(EnrolmentApplication.PlanDesignations.self)
            #expect(outcome.sessions.map(\.sessionID) == [designation, application])
            #expect(outcome.sessions[0].designated.map(\.participantID) == ["t-2"])
            #expect(outcome.sessions[0].designated.map(\.state) == [.approved])
            #expect(outcome.sessions[0].alreadyEnrolled == ["t-1"])
            #expect(outcome.sessions[1].refused?.contains("application") == true)
            let again = try await api.post("\(Self.plans)/versions/1/designations", as: inspector).decode(
                EnrolmentApplication.PlanDesignations.self)
            #expect(again.sessions[0].designated.isEmpty && again.sessions[0].alreadyEnrolled == ["t-1", "t-2"])
            let designatedEvents = try await fixture.outboxEvents(EnrolmentDesignated.self)
            #expect(designatedEvents.map(\.participantID) == ["t-1", "t-2"], "one designation each")

            let after = try await api.get("\(Self.district)/coverage/2026-2027", as: inspector).decode(
                DistrictCoverage.self)
            #expect(after.teachers.map(\.assignedMinutes) == [0, 0, 315])
            #expect(after.teachers.map(\.plannedMinutes) == [315, 315, 0])
            #expect(after.shortAfterPlan == ["t-1", "t-2", "t-3"], "5 h 15 is far from 18 h")
        }
    }

    struct VersionList: Decodable {
        let versions: [TrainingPlanVersion]
    }
}
