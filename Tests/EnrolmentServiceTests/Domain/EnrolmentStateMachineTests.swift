import Testing

@testable import EnrolmentService

/// Every state × every command × seat free or not, against one expected table.
@Suite("Enrolment state machine")
struct EnrolmentStateMachineTests {
    /// The expected outcome; nil means the transition is illegal.
    static func expected(_ state: EnrolmentState, _ command: EnrolmentCommand, seatFree: Bool) -> EnrolmentState? {
        switch (state, command) {
        case (.applied, .approve), (.designated, .accept): return seatFree ? .approved : .waitlisted
        case (.applied, .refuse): return .refused
        case (.applied, .withdraw), (.designated, .withdraw), (.waitlisted, .withdraw), (.approved, .withdraw):
            return .withdrawn
        case (.waitlisted, .promote): return seatFree ? .approved : nil
        case (.approved, .complete): return .completed
        case (.completed, .revokeCompletion): return .approved
        default: return nil
        }
    }

    struct Case: CustomTestStringConvertible, Sendable {
        let state: EnrolmentState
        let command: EnrolmentCommand
        let seatFree: Bool
        var testDescription: String { "\(state) ─\(command)→ (seat \(seatFree ? "free" : "none"))" }
    }

    static let cases: [Case] = EnrolmentState.allCases.flatMap { state in
        EnrolmentCommand.allCases.flatMap { command in
            [true, false].map { Case(state: state, command: command, seatFree: $0) }
        }
    }

    @Test(
        "every state answers every command as the table says, and an illegal one names the current state",
        arguments: cases)
    func transition(_ c: Case) {
        let expected = Self.expected(c.state, c.command, seatFree: c.seatFree)
        do {
            let next = try EnrolmentStateMachine.next(from: c.state, on: c.command, seatFree: c.seatFree)
            #expect(next == expected, "\(c.testDescription) went to \(next)")
        } catch {
            #expect(
                expected == nil, "\(c.testDescription) was refused but should go to \(String(describing: expected))")
            #expect(error.currentState == c.state)
            #expect(error.command == c.command)
        }
    }

    @Test("the table covers all 7 states × 7 commands × 2 seat situations")
    func coverage() {
        #expect(Self.cases.count == 98)
    }

    @Test("refused, withdrawn and completed are final: every command is refused but tracking's correction")
    func finalStates() {
        for state in EnrolmentState.allCases where state.isFinal {
            for command in EnrolmentCommand.allCases where !(state == .completed && command == .revokeCompletion) {
                #expect(throws: IllegalEnrolmentTransition.self) {
                    try EnrolmentStateMachine.next(from: state, on: command, seatFree: true)
                }
            }
        }
        #expect(EnrolmentState.allCases.filter(\.isFinal) == [.refused, .withdrawn, .completed])
    }

    @Test("promoting with no free seat is refused with a reason, the enrolment staying waitlisted")
    func promoteWithoutSeat() {
        #expect {
            try EnrolmentStateMachine.next(from: .waitlisted, on: .promote, seatFree: false)
        } throws: { error in
            let error = error as? IllegalEnrolmentTransition
            return error?.currentState == .waitlisted && error?.reason?.contains("no seat") == true
        }
    }

    @Test("a new enrolment starts applied, designated, approved or waitlisted by how the teacher comes in")
    func initialStates() {
        #expect(EnrolmentStateMachine.initial(.application, seatFree: true) == .applied)
        #expect(EnrolmentStateMachine.initial(.application, seatFree: false) == .applied)
        #expect(EnrolmentStateMachine.initial(.designation(acceptanceRequired: true), seatFree: false) == .designated)
        #expect(EnrolmentStateMachine.initial(.designation(acceptanceRequired: false), seatFree: true) == .approved)
        #expect(EnrolmentStateMachine.initial(.designation(acceptanceRequired: false), seatFree: false) == .waitlisted)
        #expect(EnrolmentStateMachine.initial(.selfEnrolment, seatFree: true) == .approved)
        #expect(EnrolmentStateMachine.initial(.selfEnrolment, seatFree: false) == .waitlisted)
    }

    @Test("only approved and completed enrolments hold a seat")
    func seats() {
        #expect(EnrolmentState.allCases.filter(\.holdsSeat) == [.approved, .completed])
    }
}
