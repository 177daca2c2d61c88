import Contracts
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import EnrolmentService

/// The callers each scope lets through, and what is recorded as theirs.
@Suite("Callers within their scope")
struct ScopedAccessTests {
    @Test("a national manager (no academy claim) schedules, opens and decides in any academy")
    func nationalManager() async throws {
        let fixture = try await EnrolmentFixture.make()
        try await fixture.publish()
        try await fixture.application.test(.router) { client in
            let api = APIClient(client: client)
            let session = try await api.openSession(mode: .application, as: .nationalManager)
            let enrolment = try await api.post("/sessions/\(session)/applications", as: .teacher("t-1")).decode(
                EnrolmentView.self)
            let approved = try await api.post("/enrolments/\(enrolment.id)/approve", as: .nationalManager)
            #expect(try approved.decode(EnrolmentView.self).state == .approved)
            #expect(try await fixture.outboxEvents(SessionScheduled.self).map(\.actorID) == ["mgr-n"])
            #expect(try await fixture.outboxEvents(EnrolmentApproved.self).map(\.actorID) == ["mgr-n"])
        }
    }

    @Test("the session's trainer and tutor list its enrolments, read each one and the histories, and change nothing")
    func assignedStaffRead() async throws {
        let fixture = try await EnrolmentFixture.make()
        try await fixture.publish()
        try await fixture.application.test(.router) { client in
            let api = APIClient(client: client)
            let session = try await api.openSession(mode: .open)
            let enrolment = try await api.post("/sessions/\(session)/enrolments", as: .teacher("t-1")).decode(
                EnrolmentView.self)
            for caller in [TestCaller.trainer, .tutor] {
                let list = try await api.get("/sessions/\(session)/enrolments", as: caller)
                #expect(
                    try list.decode(EnrolmentController.EnrolmentList.self).enrolments.map(\.id) == [enrolment.id],
                    "\(caller)")
                #expect(
                    try await api.get("/enrolments/\(enrolment.id)", as: caller).decode(EnrolmentView.self) == enrolment
                )
                #expect(try await api.get("/enrolments/\(enrolment.id)/history", as: caller).status == .ok)
                #expect(try await api.get("/sessions/\(session)/history", as: caller).status == .ok)
                #expect(try await api.post("/enrolments/\(enrolment.id)/withdraw", as: caller).status == .forbidden)
            }
        }
    }

    @Test("a teacher reads their own enrolment, its history and their record; the events and history name them")
    func teacherReadsOwn() async throws {
        let fixture = try await EnrolmentFixture.make()
        try await fixture.publish()
        try await fixture.application.test(.router) { client in
            let api = APIClient(client: client)
            let session = try await api.openSession(mode: .application)
            let enrolment = try await api.post("/sessions/\(session)/applications", as: .teacher("t-1")).decode(
                EnrolmentView.self)
            #expect(
                try await api.get("/enrolments/\(enrolment.id)", as: .teacher("t-1")).decode(EnrolmentView.self)
                    == enrolment)
            let history = try await api.get("/enrolments/\(enrolment.id)/history", as: .teacher("t-1")).decode(
                History.self)
            #expect(history.transitions.map(\.actorID) == ["t-1"])
            #expect(try await fixture.outboxEvents(EnrolmentApplied.self).map(\.actorID) == ["t-1"])
            #expect(try await api.get("/teachers/t-1/record", as: .teacher("t-1")).status == .ok)
            #expect(try await api.get("/teachers/t-1/attestation", as: .teacher("t-1")).status == .ok)
        }
    }

    @Test("a manager of the academy applies for a teacher and withdraws them; the history names the manager")
    func managerActsForTeacher() async throws {
        let fixture = try await EnrolmentFixture.make()
        try await fixture.publish()
        try await fixture.application.test(.router) { client in
            let api = APIClient(client: client)
            let session = try await api.openSession(mode: .application)
            let applied = try await api.post(
                "/sessions/\(session)/applications", json: RequestBodies.Entry(participantID: "t-3"))
            #expect(applied.status == .created)
            let enrolment = try applied.decode(EnrolmentView.self)
            #expect(enrolment.participantID == "t-3")
            let withdrawn = try await api.post("/enrolments/\(enrolment.id)/withdraw", json: ["reason": "mutation"])
            #expect(try withdrawn.decode(EnrolmentView.self).state == .withdrawn)
            let history = try await api.get("/enrolments/\(enrolment.id)/history").decode(History.self)
            #expect(history.transitions.map(\.actorID) == ["mgr-1", "mgr-1"])
            #expect(try await fixture.outboxEvents(EnrolmentWithdrawn.self).map(\.actorID) == ["mgr-1"])
            // The teacher may name themselves too.
            let own = try await api.post(
                "/sessions/\(session)/applications", as: .teacher("t-3"),
                json: RequestBodies.Entry(participantID: "t-3"))
            #expect(own.status == .created)
        }
    }
}
