import Contracts
import Foundation

@testable import EnrolmentService

/// Sample courses, plans and sessions for the tests.
enum Fixtures {
    static let base = Date(timeIntervalSince1970: 1_788_000_000)  // 2026-08-29

    static func day(_ n: Int) -> Date { Timestamp.truncated(base.addingTimeInterval(Double(n) * 86_400)) }

    static func coursePublished(
        id: String = "crs-math", version: Int = 1, levels: [SchoolLevel] = [.primary]
    ) -> CoursePublished {
        let activities: [ActivitySnapshot] = [
            .sample("a1", "Vidéo", .video, minutes: 45), .sample("a2", "Classe virtuelle", .virtualClass, minutes: 90),
            .sample("a4", "Regroupement", .inPersonMeeting, minutes: 180),
        ]
        return CoursePublished(
            courseID: id, version: version, title: "Résoudre des problèmes au cycle 3", summary: "Parcours hybride.",
            objectives: ["Résoudre"], keywords: ["maths"], domain: "Mathématiques",
            audience: Audience(schoolLevels: levels), origin: .national, nature: .tutored, activities: activities,
            owner: CourseOwner(organisation: "DGESCO"), publishedAt: day(-30), distanceMinutes: 135,
            inPersonMinutes: 180,
            durationBucket: .from3To6h)
    }

    static func courseVersion() -> CourseVersion { CourseVersion(coursePublished()) }

    static func calendar() -> SessionCalendar {
        SessionCalendar(
            enrolmentOpensAt: day(1), enrolmentClosesAt: day(20), startsAt: day(21), endsAt: day(60),
            meetings: [
                ScheduledMeeting(
                    activityID: "a2", startsAt: day(30), endsAt: day(30).addingTimeInterval(5400),
                    place: "Classe virtuelle"),
                ScheduledMeeting(activityID: "a4", startsAt: day(45), place: "École Jean Macé, Lyon"),
            ])
    }

    static func plan(
        course: String = "crs-math", capacity: Int = 20, mode: EnrolmentMode = .application,
        trainers: [String] = ["f-1"]
    ) -> SessionPlan {
        SessionPlan(
            course: CourseVersionRef(courseID: course, version: 1), academy: "lyon", schoolLevel: .primary,
            district: "Lyon 3", calendar: calendar(), trainerIDs: trainers, tutorIDs: ["tu-1"], capacity: capacity,
            mode: mode)
    }

    static func session(state: SessionState, trainers: [String], mode: EnrolmentMode = .application) -> Session {
        Session(
            id: "ses-1", course: CourseVersionRef(courseID: "crs-math", version: 1), academy: "lyon",
            schoolLevel: .primary,
            district: "Lyon 3", pafModule: nil, title: "T", calendar: calendar(), trainerIDs: trainers, tutorIDs: [],
            capacity: 10, mode: mode, state: state)
    }
}
