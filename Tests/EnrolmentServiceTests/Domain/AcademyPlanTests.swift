import Contracts
import Foundation
import Testing

@testable import EnrolmentService

@Suite("The academy's training plan file (PAF): read as a whole, checked against the sessions' modules")
struct AcademyPlanTests {
    static let year = SchoolYear(startYear: 2026)

    static func session(
        _ id: String, module: String? = "M1", level: SchoolLevel = .secondary, academy: String = "lyon",
        cancelled: Bool = false, year: Int = 2026, capacity: Int = 10
    ) -> PlannableSession {
        .init(
            id: id, academy: academy, district: nil, pafModule: module, schoolLevel: level, cancelled: cancelled,
            schoolYear: SchoolYear(startYear: year), capacity: capacity)
    }

    @Test("the file on its own: a teacher is optional, duplicates and bad ids are named, in line order")
    func parsing() throws {
        let plan = try AcademyPlanFile.parse("module,sessionID,teacherID\nM1,s-1,t-1\nM1,s-1,\n\nM2,s-2,\"\"\n")
        #expect(plan.lines.map(\.teacherID) == ["t-1", nil, nil])
        #expect(plan.modules == ["M1", "M2"] && plan.sessionIDs == ["s-1", "s-2"])
        #expect(throws: DistrictFileRejected.self) { try AcademyPlanFile.parse("module,sessionID\nM1,s-1\n") }
        do {
            _ = try AcademyPlanFile.parse(
                "module,sessionID,teacherID\n,s-1,t-1\nM1,s-1,Jeanne Dupont\nM1,s-1,t-1\nM1,s-1,t-1\nM1,s-2,\nM1,s-2,\n"
            )
            Issue.record("a bad file was accepted")
        } catch {
            #expect(error.file == .academyPlan)
            #expect(error.errors.map(\.line) == [2, 3, 5, 7])
            #expect(error.errors.map(\.field) == ["module", "teacherID", "teacherID", "sessionID"])
        }
    }

    @Test("against the sessions: the academy's, of the year, not cancelled, secondary, of the module, within seats")
    func checking() throws {
        let file = try AcademyPlanFile.parse(
            """
            module,sessionID,teacherID
            M1,other-academy,t-1
            M1,next-year,t-1
            M1,cancelled,t-1
            M1,primary,t-1
            M1,other-module,t-1
            M1,unknown,t-1
            M1,small,t-1
            M1,small,t-2
            M1,small,
            """)
        let sessions = [
            Self.session("other-academy", academy: "grenoble"), Self.session("next-year", year: 2027),
            Self.session("cancelled", cancelled: true), Self.session("primary", level: .primary),
            Self.session("other-module", module: "M2"), Self.session("small", capacity: 1),
        ]
        do {
            try file.check(
                academy: "lyon", schoolYear: Self.year,
                sessions: Dictionary(uniqueKeysWithValues: sessions.map { ($0.id, $0) }))
            Issue.record("a plan naming sessions outside the academy's PAF was accepted")
        } catch {
            #expect(error.errors.map(\.line) == [2, 3, 4, 5, 6, 7, 9], "a session without teacher takes no seat")
            #expect(error.errors[4].problem == "session other-module implements module M2")
            #expect(error.errors[6].problem.contains("1 seat(s)"))
        }
    }

    @Test("a version lists its modules with their sessions and designated teachers")
    func modules() {
        let version = AcademyPlanVersion(
            academy: "lyon", schoolYear: Self.year, version: 1, state: .draft, revision: 1,
            lines: [
                .init(line: 2, module: "M1", sessionID: "s-1", teacherID: "t-1"),
                .init(line: 3, module: "M2", sessionID: "s-2", teacherID: nil),
                .init(line: 4, module: "M1", sessionID: "s-3", teacherID: "t-1"),
            ], updatedBy: "mgr-1", updatedAt: Date(), publishedBy: nil, publishedAt: nil)
        #expect(version.modules.map(\.module) == ["M1", "M2"])
        #expect(version.modules.map(\.sessionIDs) == [["s-1", "s-3"], ["s-2"]])
        #expect(version.modules.map(\.teachersPlanned) == [1, 0])
    }
}
