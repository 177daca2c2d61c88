import Contracts
import Foundation
import HummingbirdTesting
import Testing

@testable import EnrolmentService

@Suite("Enrolling teachers by each mode")
struct EnrolmentModesTests {
    @Test("application: a teacher applies, a manager approves; the approval carries what tracking needs")
    func application() async throws {
        let fixture = try await EnrolmentFixture.make()
        try await fixture.publish()
        try await fixture.application.test(.router) { client in
            let api = APIClient(client: client)
            let session = try await api.openSession(mode: .application)
            let applied = try await api.post("/sessions/\(session)/applications", as: .teacher("t-1"))
            #expect(applied.status == .created)
            let enrolment = try applied.decode(EnrolmentView.self)
            #expect(enrolment.state == .applied)
            #expect(enrolment.participantID == "t-1")
            let approved = try await api.post("/enrolments/\(enrolment.id)/approve", as: .manager)
            #expect(try approved.decode(EnrolmentView.self).state == .approved)
            #expect(
                try await fixture.outboxTypes(subject: enrolment.id) == [
                    "enrolment.enrolment.applied.v1", "enrolment.enrolment.approved.v1",
                ])
            let event = try #require(try await fixture.outboxEvents(EnrolmentApproved.self).first)
            #expect(event.sessionID == session)
            #expect(event.academy == "lyon")
            #expect(event.course == CourseVersionRef(courseID: "crs-math", version: 1))
            #expect(event.schoolLevel == .primary)
            #expect(event.participantID == "t-1")
            #expect(event.actorID == "mgr-1")
            let again = try await api.post("/enrolments/\(enrolment.id)/approve")
            #expect(again.status == .conflict)
            #expect(again.problem?.currentState == "approved")
        }
    }

    @Test("application: a refusal keeps its reason; the teacher may apply again afterwards")
    func refusal() async throws {
        let fixture = try await EnrolmentFixture.make()
        try await fixture.publish()
        try await fixture.application.test(.router) { client in
            let api = APIClient(client: client)
            let session = try await api.openSession(mode: .application)
            let enrolment = try await api.post("/sessions/\(session)/applications", as: .teacher("t-1")).decode(
                EnrolmentView.self)
            let twice = try await api.post("/sessions/\(session)/applications", as: .teacher("t-1"))
            #expect(twice.status == .conflict, "one live enrolment per teacher and session")
            let refused = try await api.post(
                "/enrolments/\(enrolment.id)/refuse", json: ["reason": "public non prioritaire"])
            #expect(try refused.decode(EnrolmentView.self).state == .refused)
            #expect(try await fixture.outboxEvents(EnrolmentRefused.self).map(\.reason) == ["public non prioritaire"])
            #expect(try await api.post("/sessions/\(session)/applications", as: .teacher("t-1")).status == .created)
            let history = try await api.get("/enrolments/\(enrolment.id)/history").decode(History.self)
            #expect(history.transitions.map(\.toState) == ["applied", "refused"])
            #expect(history.transitions.last?.reason == "public non prioritaire")
            #expect(history.transitions.last?.actorID == "mgr-1")
        }
    }

    @Test("designation with acceptance: designated, then the teacher accepts and holds a seat")
    func designationWithAcceptance() async throws {
        let fixture = try await EnrolmentFixture.make()
        try await fixture.publish()
        try await fixture.application.test(.router) { client in
            let api = APIClient(client: client)
            let session = try await api.openSession(mode: .designation)
            let designated = try await api.post(
                "/sessions/\(session)/designations",
                json: RequestBodies.Designation(participantID: "t-7", acceptanceRequired: true, group: "Groupe A"))
            let enrolment = try designated.decode(EnrolmentView.self)
            #expect(enrolment.state == .designated)
            #expect(enrolment.group == "Groupe A")
            let accepted = try await api.post("/enrolments/\(enrolment.id)/accept", as: .teacher("t-7"))
            #expect(try accepted.decode(EnrolmentView.self).state == .approved)
            #expect(
                try await fixture.outboxTypes(subject: enrolment.id) == [
                    "enrolment.enrolment.designated.v1", "enrolment.enrolment.approved.v1",
                ])
            #expect(try await fixture.outboxEvents(EnrolmentApproved.self).first?.actorID == "t-7")
        }
    }

    @Test("designation without acceptance takes a seat at once; applying to a designation session is 409")
    func designationDirect() async throws {
        let fixture = try await EnrolmentFixture.make()
        try await fixture.publish()
        try await fixture.application.test(.router) { client in
            let api = APIClient(client: client)
            let session = try await api.openSession(mode: .designation)
            let enrolment = try await api.post(
                "/sessions/\(session)/designations", json: RequestBodies.Designation(participantID: "t-8")
            ).decode(EnrolmentView.self)
            #expect(enrolment.state == .approved)
            #expect(try await fixture.outboxEvents(EnrolmentDesignated.self).map(\.acceptanceRequired) == [false])
            let wrongMode = try await api.post("/sessions/\(session)/applications", as: .teacher("t-9"))
            #expect(wrongMode.status == .conflict)
            #expect(wrongMode.problem?.detail?.contains("designation") == true)
        }
    }

    @Test("open self-enrolment: the teacher enrols and holds a seat; a session not yet open takes no one")
    func open() async throws {
        let fixture = try await EnrolmentFixture.make()
        try await fixture.publish()
        try await fixture.application.test(.router) { client in
            let api = APIClient(client: client)
            let preparing = try await api.scheduleSession(mode: .open)
            let early = try await api.post("/sessions/\(preparing)/enrolments", as: .teacher("t-1"))
            #expect(early.status == .conflict)
            #expect(early.problem?.currentState == "inPreparation")
            let session = try await api.openSession(mode: .open)
            let enrolled = try await api.post("/sessions/\(session)/enrolments", as: .teacher("t-1"))
            #expect(try enrolled.decode(EnrolmentView.self).state == .approved)
            let read = try await api.get("/sessions/\(session)").decode(SessionView.self)
            #expect(read.seats.taken == 1)
        }
    }

    @Test("a participant id that looks like an e-mail address is refused")
    func pseudonymous() async throws {
        let fixture = try await EnrolmentFixture.make()
        try await fixture.publish()
        try await fixture.application.test(.router) { client in
            let api = APIClient(client: client)
            let session = try await api.openSession(mode: .designation)
            let reply = try await api.post(
                "/sessions/\(session)/designations",
                json: RequestBodies.Designation(participantID: "jean.martin@ac-lyon.fr"))
            #expect(reply.status == .unprocessableContent)
            #expect(reply.problem?.errors?.map(\.field) == ["participantID"])
        }
    }
}

@Suite("Waiting list")
struct WaitingListTests {
    @Test(
        "a full session waitlists teachers with visible positions; a withdrawal promotes the first waitlisted teacher")
    func promotion() async throws {
        let fixture = try await EnrolmentFixture.make()
        try await fixture.publish()
        try await fixture.application.test(.router) { client in
            let api = APIClient(client: client)
            let session = try await api.openSession(capacity: 2, mode: .open)
            var enrolments: [EnrolmentView] = []
            for teacher in ["t-1", "t-2", "t-3", "t-4"] {
                enrolments.append(
                    try await api.post("/sessions/\(session)/enrolments", as: .teacher(teacher)).decode(
                        EnrolmentView.self))
            }
            #expect(enrolments.map(\.state) == [.approved, .approved, .waitlisted, .waitlisted])
            #expect(enrolments.map(\.waitlistPosition) == [nil, nil, 1, 2])
            #expect(try await fixture.outboxEvents(EnrolmentWaitlisted.self).map(\.position) == [1, 2])

            let withdrawn = try await api.post(
                "/enrolments/\(enrolments[0].id)/withdraw", as: .teacher("t-1"), json: ["reason": "mutation"])
            #expect(try withdrawn.decode(EnrolmentView.self).state == .withdrawn)
            #expect(try await api.get("/enrolments/\(enrolments[2].id)").decode(EnrolmentView.self).state == .approved)
            let last = try await api.get("/enrolments/\(enrolments[3].id)").decode(EnrolmentView.self)
            #expect(last.state == .waitlisted)
            #expect(last.waitlistPosition == 1, "t-4 moved up")
            let promoted = try await fixture.outboxEvents(EnrolmentPromoted.self)
            #expect(promoted.map(\.participantID) == ["t-3"])
            #expect(promoted.first?.actorID == nil, "the service promoted by itself")
            #expect(promoted.first?.course == CourseVersionRef(courseID: "crs-math", version: 1))
            let history = try await api.get("/enrolments/\(enrolments[2].id)/history").decode(History.self)
            #expect(history.transitions.map(\.command) == ["enrol", "promote"])
            #expect(history.transitions.last?.reason == "a seat freed")
            let seats = try await api.get("/sessions/\(session)").decode(SessionView.self).seats
            #expect(seats == .init(capacity: 2, taken: 2, free: 0, waitlisted: 1))
            let list = try await api.get("/sessions/\(session)/enrolments?state=waitlisted").decode(
                EnrolmentController.EnrolmentList.self)
            #expect(list.enrolments.map(\.participantID) == ["t-4"])
        }
    }

    @Test("approving an application in a full session waitlists it; a waitlisted teacher may leave the list")
    func approveWhenFull() async throws {
        let fixture = try await EnrolmentFixture.make()
        try await fixture.publish()
        try await fixture.application.test(.router) { client in
            let api = APIClient(client: client)
            let session = try await api.openSession(capacity: 1, mode: .application)
            let first = try await api.post("/sessions/\(session)/applications", as: .teacher("t-1")).decode(
                EnrolmentView.self)
            let second = try await api.post("/sessions/\(session)/applications", as: .teacher("t-2")).decode(
                EnrolmentView.self)
            #expect(try await api.post("/enrolments/\(first.id)/approve").decode(EnrolmentView.self).state == .approved)
            let full = try await api.post("/enrolments/\(second.id)/approve").decode(EnrolmentView.self)
            #expect(full.state == .waitlisted)
            #expect(full.waitlistPosition == 1)
            let left = try await api.post("/enrolments/\(second.id)/withdraw", as: .teacher("t-2"))
            #expect(try left.decode(EnrolmentView.self).state == .withdrawn)
            #expect(try await api.get("/sessions/\(session)").decode(SessionView.self).seats.taken == 1)
        }
    }
}

@Suite("Capacity under concurrent requests")
struct CapacityConcurrencyTests {
    @Test("50 teachers enrolling at once in a 10-seat session: exactly 10 seats, 40 waitlisted at positions 1…40")
    func fiftyAtOnce() async throws {
        let fixture = try await EnrolmentFixture.make()
        try await fixture.publish()
        try await fixture.application.test(.router) { client in
            let api = APIClient(client: client)
            let session = try await api.openSession(capacity: 10, mode: .open)
            let replies = try await withThrowingTaskGroup(of: APIClient.Reply.self) { group in
                for n in 1...50 {
                    group.addTask { try await api.post("/sessions/\(session)/enrolments", as: .teacher("t-\(n)")) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(replies.allSatisfy { $0.status == .created })
            let list = try await api.get("/sessions/\(session)/enrolments").decode(
                EnrolmentController.EnrolmentList.self
            )
            .enrolments
            #expect(list.count == 50)
            #expect(Set(list.map(\.participantID)).count == 50, "no duplicates")
            #expect(list.filter { $0.state == .approved }.count == 10)
            let positions = list.compactMap(\.waitlistPosition).sorted()
            #expect(positions == Array(1...40))
            #expect(try await fixture.outboxEvents(EnrolmentApproved.self).count == 10)
            #expect(try await fixture.outboxEvents(EnrolmentWaitlisted.self).map(\.position).sorted() == Array(1...40))
        }
    }
}
