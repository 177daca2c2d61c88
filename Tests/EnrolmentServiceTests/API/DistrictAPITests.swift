import Contracts
import Foundation
import HummingbirdTesting
import Testing

@testable import EnrolmentService

@Suite("A district's needs and coverage over HTTP")
struct DistrictAPITests {
    static let path = "/academies/lyon/districts/Lyon%203"
    static let needs =
        "theme,domain,priority,teacherID,hoursWished\nRésoudre des problèmes,Mathématiques,1,t-1,6\n"
        + "Résoudre des problèmes,Mathématiques,2,t-2,6\nLecture au CP,Français,1,t-3,9\n"

    @Test("a manager replaces the diagnosis by CSV and reads it; a bad file changes nothing; other academies are 403")
    func needs() async throws {
        let fixture = try await EnrolmentFixture.make()
        try await fixture.application.test(.router) { client in
            let api = APIClient(client: client)
            let put = try await api.request(
                .put, "\(Self.path)/needs/2026-2027", raw: Self.needs, contentType: "text/csv")
            #expect(put.status == .ok, "\(put.text)")
            let stored = try put.decode(EnrolmentApplication.StoredDiagnosis.self)
            #expect(stored.needs.map(\.teacherID) == ["t-1", "t-2", "t-3"])
            #expect(stored.district == "Lyon 3")
            #expect(stored.updatedBy == "mgr-1")

            let bad = try await api.request(
                .put, "\(Self.path)/needs/2026-2027", raw: "theme,domain,priority,teacherID,hoursWished\nA,B,9,t-1,6\n",
                contentType: "text/csv")
            #expect(bad.status == .unprocessableContent)
            #expect(bad.problem?.errors?.map(\.field) == ["priority"])
            let read = try await api.get("\(Self.path)/needs/2026-2027").decode(
                EnrolmentApplication.StoredDiagnosis.self)
            #expect(read.needs.count == 3, "the bad file stored nothing")
            #expect(
                try await api.get("\(Self.path)/needs/2025-2026").decode(EnrolmentApplication.StoredDiagnosis.self)
                    .needs.isEmpty)

            let json = try await api.request(
                .put, "\(Self.path)/needs/2026-2027", raw: "{}", contentType: "application/json")
            #expect(json.status == .unsupportedMediaType)
            #expect(try await api.get("\(Self.path)/needs/2026").status == .notFound)
            for caller in [TestCaller.otherAcademyManager, .teacher("t-1"), .trainer] {
                #expect(try await api.get("\(Self.path)/needs/2026-2027", as: caller).status == .forbidden)
                #expect(try await api.get("\(Self.path)/coverage/2026-2027", as: caller).status == .forbidden)
                let attempt = try await api.request(
                    .put, "\(Self.path)/needs/2026-2027", as: caller, raw: Self.needs, contentType: "text/csv")
                #expect(attempt.status == .forbidden)
            }
            #expect(try await api.get("\(Self.path)/needs/2026-2027", as: .nationalManager).status == .ok)

            // The district's inspector draws up its needs and reads its coverage; nobody else's.
            let inspector = TestCaller.inspector(of: ["Lyon 3", "Lyon 5"])
            let byInspector = try await api.request(
                .put, "\(Self.path)/needs/2026-2027", as: inspector, raw: Self.needs, contentType: "text/csv")
            #expect(byInspector.status == .ok)
            #expect(try byInspector.decode(EnrolmentApplication.StoredDiagnosis.self).updatedBy == "ien-1")
            #expect(try await api.get("\(Self.path)/coverage/2026-2027", as: inspector).status == .ok)
            for outsider in [
                TestCaller.inspector(of: ["Lyon 4"]), .inspector(of: ["Lyon 3"], academy: "grenoble"),
                .holding(.inspector),
            ] {
                #expect(try await api.get("\(Self.path)/needs/2026-2027", as: outsider).status == .forbidden)
                #expect(try await api.get("\(Self.path)/coverage/2026-2027", as: outsider).status == .forbidden)
            }
            // Like anyone signed in, an inspector reads the offer of sessions.
            #expect(try await api.get("/sessions", as: inspector).status == .ok)
        }
    }

    @Test("coverage: planned seats and completed trainings per teacher, sessions and seats per theme; it moves")
    func coverage() async throws {
        let fixture = try await EnrolmentFixture.make()
        try await fixture.publish()
        try await fixture.application.test(.router) { client in
            let api = APIClient(client: client)
            _ = try await api.request(.put, "\(Self.path)/needs/2026-2027", raw: Self.needs, contentType: "text/csv")
            let session = try await api.openSession(capacity: 1, mode: .open)
            let seat = try await api.post("/sessions/\(session)/enrolments", as: .teacher("t-1")).decode(
                EnrolmentView.self)

            let before = try await api.get("\(Self.path)/coverage/2026-2027").decode(DistrictCoverage.self)
            #expect(before.teachers.map(\.teacherID) == ["t-1", "t-2", "t-3"])
            #expect(before.teachers[0].plannedMinutes == 315)
            #expect(before.teachers[0].plannedDistanceMinutes == 135)
            #expect(before.teachers[0].doneMinutes == 0)
            #expect(before.teachers[1].plannedMinutes == 0)
            #expect(before.short == ["t-1", "t-2", "t-3"])
            #expect(before.themes.map(\.sessions) == [[session], []])
            #expect(before.themes.map(\.seatsMissing) == [1, 1])

            _ = try await fixture.useCases.courseCompleted(
                CloudEvent(
                    id: "c-1", time: Date(),
                    event: Messages.completion(
                        of: seat.id, participant: "t-1", session: session,
                        at: try #require(Timestamp.parse("2026-10-01T10:00:00Z")), distance: 540, inPerson: 540)))
            let after = try await api.get("\(Self.path)/coverage/2026-2027").decode(DistrictCoverage.self)
            #expect(after.teachers[0].doneMinutes == 1080)
            #expect(after.teachers[0].plannedMinutes == 0, "a completed seat is done, not planned")
            #expect(after.short == ["t-2", "t-3"])
        }
    }

    @Test("a teacher who moved district mid-year keeps her hours; coverage filtered by school, cycle, theme and short")
    func movedAndFiltered() async throws {
        let fixture = try await EnrolmentFixture.make()
        try await fixture.publish()
        try await fixture.application.test(.router) { client in
            let api = APIClient(client: client)
            let located =
                "theme,domain,priority,teacherID,hoursWished,school,cycle\n"
                + "Résoudre des problèmes,Mathématiques,1,t-1,6,0690001A,3\n"
                + "Résoudre des problèmes,Mathématiques,1,t-2,6,0690002B,2\nLecture au CP,Français,1,t-3,9,0690002B,2\n"
            let put = try await api.request(
                .put, "\(Self.path)/needs/2026-2027", raw: located, contentType: "text/csv")
            #expect(put.status == .ok, "\(put.text)")
            // t-1 trained in Lyon 3 in the autumn, then moved to Lyon 5, whose diagnosis lists her too.
            let other = "/academies/lyon/districts/Lyon%205"
            _ = try await api.request(
                .put, "\(other)/needs/2026-2027",
                raw: "theme,domain,priority,teacherID,hoursWished\nLecture au CP,Français,1,t-1,6\n",
                contentType: "text/csv")
            let session = try await api.openSession(capacity: 5, mode: .open)
            let seat = try await api.post("/sessions/\(session)/enrolments", as: .teacher("t-1")).decode(
                EnrolmentView.self)
            _ = try await fixture.useCases.courseCompleted(
                CloudEvent(
                    id: "c-moved", time: Date(),
                    event: Messages.completion(
                        of: seat.id, participant: "t-1", session: session,
                        at: try #require(Timestamp.parse("2026-11-05T10:00:00Z")), distance: 270, inPerson: 180)))
            for district in [Self.path, other] {
                let coverage = try await api.get("\(district)/coverage/2026-2027").decode(DistrictCoverage.self)
                let teacher = try #require(coverage.teachers.first { $0.teacherID == "t-1" })
                #expect(teacher.doneMinutes == 450 && teacher.doneDistanceMinutes == 270, "the record is hers")
            }

            let bySchool = try await api.get("\(Self.path)/coverage/2026-2027?school=0690002B").decode(
                DistrictCoverage.self)
            #expect(bySchool.teachers.map(\.teacherID) == ["t-2", "t-3"])
            #expect(bySchool.teachers.map(\.cycle) == ["2", "2"])
            let byCycle = try await api.get("\(Self.path)/coverage/2026-2027?cycle=3").decode(DistrictCoverage.self)
            #expect(byCycle.teachers.map(\.teacherID) == ["t-1"] && byCycle.short == ["t-1"])
            let byTheme = try await api.get("\(Self.path)/coverage/2026-2027?theme=Lecture%20au%20CP").decode(
                DistrictCoverage.self)
            #expect(byTheme.teachers.map(\.teacherID) == ["t-3"] && byTheme.themes.map(\.theme) == ["Lecture au CP"])
            let notShort = try await api.get("\(Self.path)/coverage/2026-2027?short=false").decode(
                DistrictCoverage.self)
            #expect(notShort.teachers.isEmpty, "nobody has done 18 h yet")
            #expect(try await api.get("\(Self.path)/coverage/2026-2027?short=maybe").status == .badRequest)
            #expect(try await api.get("\(Self.path)/coverage/2026-2027?colour=red").status == .badRequest)
        }
    }
}
