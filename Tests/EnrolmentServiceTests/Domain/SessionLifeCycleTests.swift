import Contracts
import Foundation
import Testing

@testable import EnrolmentService

@Suite("Session life cycle")
struct SessionLifeCycleTests {
    static let commands: [SessionCommand] = [
        .open, .start, .close, .cancel(reason: "plus de formateur"), .assignTrainers(["f-2"]), .assignTutors(["t-2"]),
    ]

    /// Expected next state (with one trainer assigned); nil when refused.
    static func expected(_ state: SessionState, _ command: SessionCommand) -> SessionState? {
        switch (state, command) {
        case (.inPreparation, .open): return .openForEnrolment
        case (.openForEnrolment, .start): return .running
        case (.running, .close): return .closed
        case (.inPreparation, .cancel), (.openForEnrolment, .cancel), (.running, .cancel): return .cancelled
        case (.inPreparation, .assignTrainers), (.openForEnrolment, .assignTrainers), (.running, .assignTrainers),
            (.inPreparation, .assignTutors), (.openForEnrolment, .assignTutors), (.running, .assignTutors):
            return state
        default: return nil
        }
    }

    struct Case: CustomTestStringConvertible, Sendable {
        let state: SessionState
        let command: SessionCommand
        var testDescription: String { "\(state) ─\(command.name)→" }
    }

    @Test(
        "every state answers every command as the table says, naming the current state when it refuses",
        arguments: SessionState.allCases.flatMap { state in commands.map { Case(state: state, command: $0) } })
    func transition(_ c: Case) {
        var session = Fixtures.session(state: c.state, trainers: ["f-1"])
        do {
            try session.apply(c.command)
            #expect(session.state == Self.expected(c.state, c.command))
        } catch {
            #expect(Self.expected(c.state, c.command) == nil, "\(c.testDescription) was refused: \(error)")
            #expect(error.currentState == c.state)
            #expect(session.state == c.state, "a refused command changes nothing")
        }
    }

    @Test("a session cannot open without at least one trainer")
    func openNeedsTrainer() {
        var session = Fixtures.session(state: .inPreparation, trainers: [])
        #expect(throws: SessionRuleViolation.self) { try session.apply(.open) }
        #expect(session.state == .inPreparation)
        try? session.apply(.assignTrainers(["f-1"]))
        #expect(throws: Never.self) { try session.apply(.open) }
        #expect(session.state == .openForEnrolment)
    }

    @Test("an open or running session keeps at least one trainer")
    func keepsTrainer() {
        var session = Fixtures.session(state: .running, trainers: ["f-1"])
        #expect(throws: SessionRuleViolation.self) { try session.apply(.assignTrainers([])) }
        #expect(session.trainerIDs == ["f-1"])
    }

    @Test("teachers come in only while the session is open, and only by its enrolment mode")
    func admission() {
        let open = Fixtures.session(state: .openForEnrolment, trainers: ["f-1"], mode: .application)
        #expect(throws: Never.self) { try open.admit(.application) }
        #expect(throws: SessionRuleViolation.self) { try open.admit(.selfEnrolment) }
        #expect(throws: SessionRuleViolation.self) { try open.admit(.designation(acceptanceRequired: false)) }
        let running = Fixtures.session(state: .running, trainers: ["f-1"], mode: .application)
        #expect(throws: SessionRuleViolation.self) { try running.admit(.application) }
    }
}

@Suite("Scheduling a session")
struct SessionSchedulingTests {
    @Test("a published, unarchived course for the right school level schedules a session in preparation")
    func schedules() throws {
        let session = try Session.schedule(id: "ses-1", plan: Fixtures.plan(), course: Fixtures.courseVersion())
        #expect(session.state == .inPreparation)
        #expect(session.title == "Résoudre des problèmes au cycle 3", "the course title when not overridden")
        #expect(session.district == "Lyon 3")
    }

    @Test("a course version the catalogue has not published cannot be scheduled")
    func unpublished() {
        #expect(throws: InvalidPlan([.init("course", "course crs-math version 1 has not been published")])) {
            try Session.schedule(id: "ses-1", plan: Fixtures.plan(), course: nil)
        }
    }

    @Test("an archived course cannot be scheduled")
    func archived() {
        var course = Fixtures.courseVersion()
        course.archivedAt = Date()
        #expect { try Session.schedule(id: "ses-1", plan: Fixtures.plan(), course: course) } throws: { error in
            (error as? InvalidPlan)?.violations.map(\.field) == ["course"]
        }
    }

    @Test("every broken rule is reported at once, each naming its field")
    func violations() {
        var plan = Fixtures.plan()
        plan.district = nil
        plan.capacity = 0
        plan.trainerIDs = ["marie.dupont@ac-lyon.fr"]
        plan.calendar = SessionCalendar(
            enrolmentOpensAt: Fixtures.day(10), enrolmentClosesAt: Fixtures.day(5), startsAt: Fixtures.day(20),
            endsAt: Fixtures.day(40),
            meetings: [
                ScheduledMeeting(activityID: "a1", startsAt: Fixtures.day(25)),
                ScheduledMeeting(activityID: "zz", startsAt: Fixtures.day(90)),
            ])
        #expect { try Session.schedule(id: "ses-1", plan: plan, course: Fixtures.courseVersion()) } throws: { error in
            let fields = Set((error as? InvalidPlan)?.violations.map(\.field) ?? [])
            return fields == [
                "district", "capacity", "trainerIDs[0]", "calendar.enrolmentClosesAt",
                "calendar.meetings[0].activityID",
                "calendar.meetings[1].activityID", "calendar.meetings[1].startsAt",
            ]
        }
    }

    @Test("a secondary session needs its PAF module, and the course must be meant for that level")
    func secondary() {
        var plan = Fixtures.plan()
        plan.schoolLevel = .secondary
        #expect { try Session.schedule(id: "ses-1", plan: plan, course: Fixtures.courseVersion()) } throws: { error in
            Set((error as? InvalidPlan)?.violations.map(\.field) ?? []) == ["pafModule", "schoolLevel"]
        }
    }
}
