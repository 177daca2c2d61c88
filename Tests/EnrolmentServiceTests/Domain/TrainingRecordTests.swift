import Contracts
import Foundation
import Testing

@testable import EnrolmentService

@Suite("School years and the yearly training record")
struct TrainingRecordTests {
    static func parisDate(_ text: String) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Paris")!
        let parts = text.split(separator: "-").map { Int($0)! }
        return calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2], hour: 12))!
    }

    @Test("a completion on 31 August counts for the year ending, one on 1 September for the year starting")
    func boundaries() {
        #expect(SchoolYear.containing(Self.parisDate("2026-08-31")).description == "2025-2026")
        #expect(SchoolYear.containing(Self.parisDate("2026-09-01")).description == "2026-2027")
        #expect(SchoolYear.containing(Self.parisDate("2027-01-15")).description == "2026-2027")
    }

    @Test("the year turns at midnight in Paris, not in UTC")
    func parisMidnight() throws {
        let lateUTC = try #require(Timestamp.parse("2026-08-31T22:30:00Z"))  // 00:30 on 1 September in Paris
        #expect(SchoolYear.containing(lateUTC).description == "2026-2027")
        let earlyUTC = try #require(Timestamp.parse("2026-08-31T21:30:00Z"))
        #expect(SchoolYear.containing(earlyUTC).description == "2025-2026")
    }

    @Test("a school year is written 2026-2027 and nothing else parses")
    func parsing() {
        #expect(SchoolYear("2026-2027") == SchoolYear(startYear: 2026))
        for bad in ["2026-2028", "2026", "26-27", "2026/2027", "abcd-efgh", "2026-2027-2028", ""] {
            #expect(SchoolYear(bad) == nil, "\(bad)")
        }
    }

    static func training(_ id: String, _ date: String, distance: Int, inPerson: Int) -> CompletedTraining {
        CompletedTraining(
            enrolmentID: id, sessionID: "ses-\(id)", course: CourseVersionRef(courseID: "crs", version: 1), title: "T",
            academy: "lyon", schoolLevel: .primary, completedAt: parisDate(date), distanceMinutes: distance,
            inPersonMinutes: inPerson)
    }

    @Test("a primary teacher with 12 h of which 6 h distance misses 6 h, 3 h of them digital")
    func missing() {
        let record = TrainingRecord(
            teacherID: "t-1", schoolYear: SchoolYear(startYear: 2026), schoolLevel: .primary,
            trainings: [
                Self.training("e1", "2026-10-01", distance: 360, inPerson: 360),
                Self.training("e0", "2026-08-31", distance: 600, inPerson: 0),
            ])
        #expect(record.trainings.map(\.enrolmentID) == ["e1"], "the completion of 31 August belongs to 2025-2026")
        #expect(record.totalMinutes == 720)
        let obligation = record.obligation
        #expect(obligation?.doneMinutes == 720)
        #expect(obligation?.missingMinutes == 360)
        #expect(obligation?.missingDistanceMinutes == 180)
        #expect(obligation?.met == false)
    }

    @Test("18 h done in person only does not meet the obligation: 9 h must be digital")
    func digitalShare() {
        let record = TrainingRecord(
            teacherID: "t-1", schoolYear: SchoolYear(startYear: 2026), schoolLevel: .primary,
            trainings: [Self.training("e1", "2026-10-01", distance: 0, inPerson: 1080)])
        #expect(record.obligation?.met == false)
        #expect(record.obligation?.missingMinutes == 540)
        #expect(record.obligation?.missingDistanceMinutes == 540)
    }

    @Test("18 h of which 9 h distance meets the obligation; secondary teachers have none")
    func met() {
        let trainings = [
            Self.training("e1", "2026-10-01", distance: 540, inPerson: 300),
            Self.training("e2", "2027-03-01", distance: 0, inPerson: 240),
        ]
        let record = TrainingRecord(
            teacherID: "t-1", schoolYear: SchoolYear(startYear: 2026), schoolLevel: .primary, trainings: trainings)
        #expect(record.obligation?.met == true)
        #expect(record.obligation?.missingMinutes == 0)
        let secondary = TrainingRecord(
            teacherID: "t-1", schoolYear: SchoolYear(startYear: 2026), schoolLevel: .secondary, trainings: trainings)
        #expect(secondary.obligation == nil)
    }
}
