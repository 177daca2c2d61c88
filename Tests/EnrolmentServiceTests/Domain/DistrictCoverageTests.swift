import Contracts
import Testing

@testable import EnrolmentService

@Suite("A district's needs diagnosis and its coverage of the primary obligation")
struct DistrictCoverageTests {
    @Test("a needs file is read as a whole; every bad line is named and nothing is kept")
    func parsing() throws {
        let good = try NeedsDiagnosis.parse(
            "theme,domain,priority,teacherID,hoursWished\n"
                + "\"Résolution de problèmes, cycle 3\",Mathématiques,1,t-1,6\n\n"
                + "Résolution de problèmes,Mathématiques,2,t-2,3\nLecture au CP,Français,1,t-1,9\n")
        #expect(good.needs.map(\.line) == [2, 4, 5])
        #expect(good.needs.first?.theme == "Résolution de problèmes, cycle 3")
        #expect(good.teachers == ["t-1", "t-2"])

        let located = try NeedsDiagnosis.parse(
            "theme,domain,priority,teacherID,hoursWished,school,cycle\nA,Maths,1,t-1,6,0690001A,3\nA,Maths,1,t-2,6,,\n")
        #expect(located.needs.map(\.school) == ["0690001A", nil] && located.needs.map(\.cycle) == ["3", nil])
        #expect(throws: DistrictFileRejected.self) {
            try NeedsDiagnosis.parse("theme,domain,priority,teacherID,hoursWished,school\nA,Maths,1,t-1,6,X\n")
        }
        #expect(throws: DistrictFileRejected.self) {
            try NeedsDiagnosis.parse("theme,domain,priority,teacherID,hoursWished,school,cycle\nA,Maths,1,t-1,6\n")
        }
        #expect(throws: DistrictFileRejected.self) { try NeedsDiagnosis.parse("theme,domain\nA,B\n") }
        #expect(throws: DistrictFileRejected.self) {
            try NeedsDiagnosis.parse("theme,domain,priority,teacherID,hoursWished\n")
        }
        do {
            _ = try NeedsDiagnosis.parse(
                "theme,domain,priority,teacherID,hoursWished\nA,Maths,4,t-1,6\nA,Maths,1,Jeanne Dupont,6\n"
                    + "A,Maths,1,t-2,6\nA,Maths,1,t-2,6\nA,Maths,1,t-3,0\nA,Maths,1\n")
            Issue.record("a bad file was accepted")
        } catch {
            #expect(error.errors.map(\.line) == [2, 3, 5, 6, 7])
            #expect(error.errors.map(\.field) == ["priority", "teacherID", "teacherID", "hoursWished", "line"])
        }
    }

    @Test(
        "done and planned hours against 18 h of which 9 at a distance",
        arguments: [
            // (done distance, done in person, planned distance, planned in person) → (missing, missing distance, short)
            ((0, 1080, 0, 0), (540, 540, true)),  // in person only: the digital half is still owed
            ((1080, 0, 0, 0), (0, 0, false)),  // distance only
            ((540, 540, 0, 0), (0, 0, false)),  // split
            ((900, 600, 0, 0), (0, 0, false)),  // over-fulfilled
            ((300, 0, 240, 540), (0, 0, false)),  // met once the planned sessions are done
            ((300, 0, 0, 180), (600, 240, true)),  // short even if all planned is done
        ] as [((Int, Int, Int, Int), (Int, Int, Bool))])
    func obligation(minutes: (Int, Int, Int, Int), expected: (Int, Int, Bool)) {
        let teacher = DistrictCoverage.Teacher(
            teacherID: "t-1", done: (minutes.0, minutes.1), planned: (minutes.2, minutes.3))
        #expect(teacher.missingMinutes == expected.0)
        #expect(teacher.missingDistanceMinutes == expected.1)
        #expect(teacher.short == expected.2)
        #expect(teacher.doneMinutes == minutes.0 + minutes.1)
        #expect(teacher.plannedDistanceMinutes == minutes.2)
    }

    @Test("each theme is matched to the district's sessions of its domain: seats against the teachers concerned")
    func themes() throws {
        let diagnosis = try NeedsDiagnosis.parse(
            "theme,domain,priority,teacherID,hoursWished\nProblèmes,Mathématiques,2,t-1,6\nProblèmes,Mathématiques,1,t-2,6\n"
                + "Problèmes,Mathématiques,1,t-3,3\nLecture,Français,1,t-1,9\n")
        let themes = DistrictCoverage.themes(
            of: diagnosis,
            sessions: [("ses-1", "mathématiques", 2), ("ses-2", "Sciences", 30), ("ses-3", "Mathématiques", 0)])
        #expect(themes.map(\.theme) == ["Problèmes", "Lecture"])
        #expect(themes[0].sessions == ["ses-1", "ses-3"])
        #expect(themes[0].priority == 1)
        #expect(themes[0].teachersConcerned == 3)
        #expect(themes[0].hoursWished == 15)
        #expect(themes[0].seatsMissing == 1)
        #expect(themes[1].sessions.isEmpty)
        #expect(themes[1].seatsMissing == 1)
    }
}
