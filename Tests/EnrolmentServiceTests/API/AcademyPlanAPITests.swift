import Contracts
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import EnrolmentService

@Suite("The academy's training plan (PAF) over HTTP: modules, versions, publication, designations, report")
struct AcademyPlanAPITests {
    static let paf = "/academies/lyon/paf/2026-2027"

    /// Schedules and opens a secondary session of module `module` (nil: none) and returns its id.
    static func secondarySession(
        _ api: APIClient, module: String?, capacity: Int = 3, mode: EnrolmentMode = .designation
    ) async throws -> String {
        let plan = SessionPlan(
            course: CourseVersionRef(courseID: "crs-lycee", version: 1), academy: "lyon", schoolLevel: .secondary,
            pafModule: module, calendar: Fixtures.calendar(), trainerIDs: ["f-1"], tutorIDs: [], capacity: capacity,
            mode: mode)
        let reply = try await api.post("/sessions", json: plan)
        #expect(reply.status == .created, "\(reply.text)")
        let id = try reply.decode(SessionView.self).id
        #expect(try await api.post("/sessions/\(id)/open").status == .ok)
        return id
    }

    static func put(
        _ api: APIClient, version: Int, _ csv: String, as caller: TestCaller = .manager
    ) async throws
        -> APIClient.Reply
    {
        try await api.request(.put, "\(paf)/versions/\(version)", as: caller, raw: csv, contentType: "text/csv")
    }

    @Test(
        "a manager drafts the PAF against the sessions' modules, publishes it (announced once), then it never changes")
    func versions() async throws {
        let fixture = try await EnrolmentFixture.make()
        try await fixture.publish(Fixtures.coursePublished(id: "crs-lycee", levels: [.secondary]))
        try await fixture.publish()
        try await fixture.application.test(.router) { client in
            let api = APIClient(client: client)
            let numerique = try await Self.secondarySession(api, module: "26A0100012", capacity: 2)
            let open = try await Self.secondarySession(api, module: "26A0100012", mode: .application)
            let other = try await Self.secondarySession(api, module: "26A0100099")
            let primary = try await api.openSession(capacity: 5, mode: .designation)

            let bad = try await Self.put(
                api, version: 1,
                """
                module,sessionID,teacherID
                26A0100012,\(numerique),t-1
                26A0100012,\(other),t-2
                26A0100012,\(primary),t-3
                26A0100012,\(numerique),t-4
                26A0100012,\(numerique),t-5
                """)
            #expect(bad.status == .unprocessableContent, "\(bad.text)")
            let errors = try #require(bad.problem?.errors)
            #expect(errors.map(\.line) == [3, 4, 6])
            #expect(errors.map(\.field) == ["module", "sessionID", "teacherID"])
            #expect(errors[0].problem.contains("implements module 26A0100099"))
            #expect(errors[1].problem.contains("primary"))
            #expect(errors[2].problem.contains("2 seat(s)"))
            #expect(try await api.get("\(Self.paf)/versions/1").status == .notFound, "nothing stored")

            let plan = """
                module,sessionID,teacherID
                26A0100012,\(numerique),t-1
                26A0100012,\(numerique),t-2
                26A0100012,\(open),
                26A0100099,\(other),
                """
            let draft = try await Self.put(api, version: 1, plan)
            #expect(draft.status == .ok, "\(draft.text)")
            #expect(draft.headers[.eTag] == "\"1\"")
            let version = try draft.decode(AcademyPlanVersion.self)
            #expect(version.modules.map(\.module) == ["26A0100012", "26A0100099"])
            #expect(version.modules.map(\.sessionIDs) == [[numerique, open], [other]])
            #expect(version.modules.map(\.teachersPlanned) == [2, 0])
            #expect(version.lines[2].teacherID == nil, "a session open to applications")

            let published = try await api.post("\(Self.paf)/versions/1/publish")
            #expect(published.status == .ok, "\(published.text)")
            #expect(try await Self.put(api, version: 1, plan).status == .conflict)
            #expect(try await api.post("\(Self.paf)/versions/1/publish").status == .conflict)
            let events = try await fixture.outboxEvents(AcademyPlanPublished.self)
            #expect(events.count == 1)
            let event = try #require(events.first)
            #expect(event.subject == "lyon/2026-2027" && event.version == 1 && event.supersedesVersion == nil)
            #expect(event.modules.map(\.module) == ["26A0100012", "26A0100099"])
            #expect(event.modules[0].sessions.map(\.sessionID) == [numerique, open])
            #expect(event.assignments.map(\.teacherID) == ["t-1", "t-2"])
            #expect(try await fixture.outboxEvents(TrainingPlanPublished.self).isEmpty, "not a district's plan")

            _ = try await Self.put(api, version: 2, "module,sessionID,teacherID\n26A0100099,\(other),t-9\n")
            #expect(try await api.post("\(Self.paf)/versions/2/publish").status == .ok)
            #expect(try await fixture.outboxEvents(AcademyPlanPublished.self).last?.supersedesVersion == 1)
            let list = try await api.get(Self.paf).decode(VersionList.self)
            #expect(list.versions.map(\.version) == [2, 1])
            #expect(list.versions.map(\.state) == [.published, .published])

            // The academy's managers only.
            for outsider in [
                TestCaller.otherAcademyManager, .teacher("t-1"), .trainer, .inspector(of: ["Lyon 3"]),
            ] {
                #expect(try await api.get(Self.paf, as: outsider).status == .forbidden)
                #expect(try await api.get("\(Self.paf)/modules", as: outsider).status == .forbidden)
                #expect(try await Self.put(api, version: 3, plan, as: outsider).status == .forbidden)
                #expect(try await api.post("\(Self.paf)/versions/2/publish", as: outsider).status == .forbidden)
                #expect(try await api.post("\(Self.paf)/versions/2/designations", as: outsider).status == .forbidden)
            }
            #expect(try await api.get(Self.paf, as: .nationalManager).status == .ok)
        }
    }

    @Test("designations from the PAF and where each module stands")
    func designationsAndReport() async throws {
        let fixture = try await EnrolmentFixture.make()
        try await fixture.publish(Fixtures.coursePublished(id: "crs-lycee", levels: [.secondary]))
        try await fixture.application.test(.router) { client in
            let api = APIClient(client: client)
            let empty = try await api.get("\(Self.paf)/modules").decode(AcademyPlanReport.self)
            #expect(empty.version == nil && empty.modules.isEmpty)
            let designated = try await Self.secondarySession(api, module: "26A0100012")
            let open = try await Self.secondarySession(api, module: "26A0100012", mode: .application)
            _ = try await Self.put(
                api, version: 1,
                "module,sessionID,teacherID\n26A0100012,\(designated),t-1\n26A0100012,\(designated),t-2\n"
                    + "26A0100012,\(open),\n")
            #expect(try await api.post("\(Self.paf)/versions/1/designations").status == .conflict, "a draft")
            _ = try await api.post("\(Self.paf)/versions/1/publish")
            let applied = try await api.post("/sessions/\(open)/applications", as: .teacher("t-7"))
            #expect(applied.status == .created)

            let outcome = try await api.post("\(Self.paf)/versions/1/designations").decode(
                EnrolmentApplication.PlanDesignations.self)
            #expect(outcome.district == nil)
            #expect(outcome.sessions.map(\.sessionID) == [designated], "sessions without teachers are left to apply")
            #expect(outcome.sessions[0].designated.map(\.participantID) == ["t-1", "t-2"])
            let again = try await api.post("\(Self.paf)/versions/1/designations").decode(
                EnrolmentApplication.PlanDesignations.self)
            #expect(again.sessions[0].designated.isEmpty && again.sessions[0].alreadyEnrolled == ["t-1", "t-2"])

            let report = try await api.get("\(Self.paf)/modules").decode(AcademyPlanReport.self)
            #expect(report.version == 1)
            let module = try #require(report.modules.first)
            #expect(module.module == "26A0100012" && module.sessionIDs == [designated, open])
            #expect(module.seats == 6 && module.seatsTaken == 2 && module.completed == 0)
            #expect(module.teachersPlanned == 2 && module.teachersPlannedEnrolled == 2)
        }
    }

    struct VersionList: Decodable {
        let versions: [AcademyPlanVersion]
    }
}
