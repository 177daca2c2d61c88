import Contracts
import Foundation
import Testing

@testable import EnrolmentService

@Suite("A district's training plan file: read as a whole, checked against the diagnosis and the district's sessions")
struct TrainingPlanTests {
    static let year = SchoolYear(startYear: 2026)
    static let diagnosis = NeedsDiagnosis(needs: [
        .init(line: 2, theme: "Calcul", domain: "Mathématiques", priority: 1, teacherID: "t-1", hoursWished: 6),
        .init(line: 3, theme: "Lecture", domain: "Français", priority: 2, teacherID: "t-2", hoursWished: 9),
    ])

    static func session(
        _ id: String, district: String? = "Lyon 3", academy: String = "lyon", cancelled: Bool = false,
        year: Int = 2026, capacity: Int = 10
    ) -> PlannableSession {
        .init(
            id: id, academy: academy, district: district, cancelled: cancelled,
            schoolYear: SchoolYear(startYear: year), capacity: capacity)
    }

    static func scope(_ sessions: [PlannableSession]) -> TrainingPlanFile.Scope {
        .init(
            academy: "lyon", district: "Lyon 3", schoolYear: year, diagnosis: diagnosis,
            sessions: Dictionary(uniqueKeysWithValues: sessions.map { ($0.id, $0) }))
    }

    @Test("the file on its own: header, ids, duplicates, emptiness; the errors in line order")
    func parsing() throws {
        let plan = try TrainingPlanFile.parse(
            "theme,sessionID,teacherID\n\"Calcul, cycle 3\",s-1,t-1\n\nLecture,s-1,t-2\nLecture,s-2,t-2\n")
        #expect(plan.lines.map(\.line) == [2, 4, 5])
        #expect(plan.sessionIDs == ["s-1", "s-2"])
        #expect(plan.lines[0].theme == "Calcul, cycle 3")

        #expect(throws: DistrictFileRejected.self) { try TrainingPlanFile.parse("theme,teacherID\nA,t-1\n") }
        #expect(throws: DistrictFileRejected.self) { try TrainingPlanFile.parse("theme,sessionID,teacherID\n") }
        do {
            _ = try TrainingPlanFile.parse(
                "theme,sessionID,teacherID\nA,s 1,t-1\nA,s-1\nA,s-1,Jeanne Dupont\nA,s-1,t-1\nB,s-1,t-1\n,s-2,t-1\n")
            Issue.record("a bad file was accepted")
        } catch {
            #expect(error.file == .plan)
            #expect(error.errors.map(\.line) == [2, 3, 4, 6, 7])
            #expect(error.errors.map(\.field) == ["sessionID", "line", "teacherID", "teacherID", "theme"])
        }
    }

    @Test("against the district: its themes and teachers, its sessions of the year, not cancelled, within their seats")
    func checking() throws {
        let good = try TrainingPlanFile.parse("theme,sessionID,teacherID\nCalcul,s-1,t-1\nLecture,s-1,t-2\n")
        try good.check(against: Self.scope([Self.session("s-1", capacity: 2)]))
        let full = Self.scope([Self.session("s-1", capacity: 1)])
        #expect(throws: DistrictFileRejected.self) { try good.check(against: full) }

        let file = try TrainingPlanFile.parse(
            """
            theme,sessionID,teacherID
            Calcul,other-district,t-1
            Calcul,other-academy,t-1
            Calcul,next-year,t-1
            Calcul,cancelled,t-1
            Calcul,unknown,t-1
            Géométrie,s-1,t-3
            """)
        do {
            try file.check(
                against: Self.scope([
                    Self.session("other-district", district: "Lyon 5"),
                    Self.session("other-academy", academy: "grenoble"), Self.session("next-year", year: 2027),
                    Self.session("cancelled", cancelled: true), Self.session("s-1"),
                ]))
            Issue.record("a plan naming sessions outside the district was accepted")
        } catch {
            #expect(error.errors.map(\.line) == [2, 3, 4, 5, 6, 7, 7])
            #expect(error.errors[0].problem.contains("not a session of district Lyon 3"))
            #expect(error.errors[2].problem.contains("2027-2028"))
            #expect(error.errors[3].problem.contains("cancelled"))
            #expect(error.errors[4].problem == "no such session")
            #expect(error.errors.suffix(2).map(\.field) == ["theme", "teacherID"])
        }
    }

    @Test("a version lists each theme's sessions and the themes the plan leaves unanswered")
    func answers() {
        let version = TrainingPlanVersion(
            academy: "lyon", district: "Lyon 3", schoolYear: Self.year, version: 1, state: .draft, revision: 1,
            lines: [
                .init(line: 2, theme: "Calcul", sessionID: "s-1", teacherID: "t-1"),
                .init(line: 3, theme: "Calcul", sessionID: "s-2", teacherID: "t-1"),
                .init(line: 4, theme: "Calcul", sessionID: "s-1", teacherID: "t-2"),
            ], updatedBy: "ien-1", updatedAt: Date(), publishedBy: nil, publishedAt: nil,
            themes: ["Calcul", "Lecture"])
        #expect(version.answers == [.init(theme: "Calcul", sessionIDs: ["s-1", "s-2"], teachersPlanned: 2)])
        #expect(version.unansweredThemes == ["Lecture"])
    }

    @Test("coverage once the plan is done: what it assigns closes the gap or not")
    func shortAfterPlan() {
        let closes = DistrictCoverage.Teacher(
            teacherID: "t-1", done: (270, 0), planned: (0, 270), assigned: (["s-1"], 270, 270))
        #expect(closes.short && !closes.shortAfterPlan)
        #expect(closes.assignedMinutes == 540 && closes.assignedDistanceMinutes == 270)
        let stillShort = DistrictCoverage.Teacher(
            teacherID: "t-2", done: (0, 540), planned: (0, 0), assigned: (["s-1"], 0, 540))
        #expect(stillShort.short && stillShort.shortAfterPlan, "in person only: the digital half is still owed")
    }
}
