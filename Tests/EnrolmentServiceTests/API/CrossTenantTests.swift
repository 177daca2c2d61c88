import Contracts
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import EnrolmentService

/// Callers whose role lets them reach a route, acting outside their scope: another academy, another
/// teacher, another session. Each is refused with 403 and leaves the store as it was.
@Suite("Cross-tenant attempts are refused and change nothing")
struct CrossTenantTests {
    /// Runs each attempt and expects a 403 problem, with every row of the store as it was before.
    static func expectRefused(
        _ fixture: EnrolmentFixture, _ attempts: [(String, () async throws -> APIClient.Reply)],
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let before = try await fixture.state()
        for (name, attempt) in attempts {
            let reply = try await attempt()
            #expect(
                reply.status == .forbidden, "\(name): \(reply.status) \(reply.text)", sourceLocation: sourceLocation)
            #expect(reply.problem?.type.hasSuffix("forbidden") == true, "\(name)", sourceLocation: sourceLocation)
        }
        #expect(try await fixture.state() == before, "nothing changed", sourceLocation: sourceLocation)
    }

    @Test("a manager of another academy cannot approve, refuse or withdraw the applications of a Lyon session")
    func otherAcademyManagerDecides() async throws {
        let fixture = try await EnrolmentFixture.make()
        try await fixture.publish()
        try await fixture.application.test(.router) { client in
            let api = APIClient(client: client)
            let session = try await api.openSession(mode: .application)
            let enrolment = try await api.post("/sessions/\(session)/applications", as: .teacher("t-1")).decode(
                EnrolmentView.self)
            try await Self.expectRefused(
                fixture,
                [
                    (
                        "approve",
                        { try await api.post("/enrolments/\(enrolment.id)/approve", as: .otherAcademyManager) }
                    ),
                    ("refuse", { try await api.post("/enrolments/\(enrolment.id)/refuse", as: .otherAcademyManager) }),
                    (
                        "withdraw",
                        { try await api.post("/enrolments/\(enrolment.id)/withdraw", as: .otherAcademyManager) }
                    ),
                    (
                        "apply for t-2",
                        {
                            try await api.post(
                                "/sessions/\(session)/applications", as: .otherAcademyManager,
                                json: RequestBodies.Entry(participantID: "t-2"))
                        }
                    ),
                ])
            let refusal = try await api.post("/enrolments/\(enrolment.id)/approve", as: .otherAcademyManager)
            #expect(refusal.problem?.detail?.contains("lyon") == true)
            #expect(
                refusal.problem?.detail?.contains("grenoble") == true,
                "the refusal says which academy the caller manages")
        }
    }

    @Test("a manager of another academy cannot designate teachers to a Lyon session, one by one or by file")
    func otherAcademyManagerDesignates() async throws {
        let fixture = try await EnrolmentFixture.make()
        try await fixture.publish()
        try await fixture.application.test(.router) { client in
            let api = APIClient(client: client)
            let session = try await api.openSession(mode: .designation)
            try await Self.expectRefused(
                fixture,
                [
                    (
                        "designate",
                        {
                            try await api.post(
                                "/sessions/\(session)/designations", as: .otherAcademyManager,
                                json: RequestBodies.Designation(participantID: "t-1"))
                        }
                    ),
                    (
                        "designate by file",
                        {
                            try await api.request(
                                .post, "/sessions/\(session)/designations.csv", as: .otherAcademyManager,
                                raw: "participantID\nt-1\nt-2\n",
                                contentType: "text/csv")
                        }
                    ),
                ])
        }
    }

    @Test("a manager of another academy cannot schedule, open, staff, start, close or cancel a Lyon session")
    func otherAcademyManagerRunsSessions() async throws {
        let fixture = try await EnrolmentFixture.make()
        try await fixture.publish()
        try await fixture.application.test(.router) { client in
            let api = APIClient(client: client)
            let session = try await api.scheduleSession()
            let other = TestCaller.otherAcademyManager
            try await Self.expectRefused(
                fixture,
                [
                    ("schedule", { try await api.post("/sessions", as: other, json: Fixtures.plan()) }),
                    ("open", { try await api.post("/sessions/\(session)/open", as: other) }),
                    ("start", { try await api.post("/sessions/\(session)/start", as: other) }),
                    ("close", { try await api.post("/sessions/\(session)/close", as: other) }),
                    (
                        "cancel",
                        { try await api.post("/sessions/\(session)/cancel", as: other, json: ["reason": "no"]) }
                    ),
                    (
                        "trainers",
                        {
                            try await api.request(
                                .put, "/sessions/\(session)/trainers", as: other,
                                json: RequestBodies.Trainers(trainerIDs: ["f-9"]))
                        }
                    ),
                    (
                        "tutors",
                        {
                            try await api.request(
                                .put, "/sessions/\(session)/tutors", as: other,
                                json: RequestBodies.Tutors(tutorIDs: ["tu-9"]))
                        }
                    ),
                ])
        }
    }

    @Test("a teacher cannot read another teacher's enrolment or its history")
    func participantReadsAnothersEnrolment() async throws {
        let fixture = try await EnrolmentFixture.make()
        try await fixture.publish()
        try await fixture.application.test(.router) { client in
            let api = APIClient(client: client)
            let session = try await api.openSession(mode: .open)
            let enrolment = try await api.post("/sessions/\(session)/enrolments", as: .teacher("t-1")).decode(
                EnrolmentView.self)
            try await Self.expectRefused(
                fixture,
                [
                    ("enrolment", { try await api.get("/enrolments/\(enrolment.id)", as: .teacher("t-2")) }),
                    ("history", { try await api.get("/enrolments/\(enrolment.id)/history", as: .teacher("t-2")) }),
                ])
        }
    }

    @Test("a teacher cannot read another teacher's training record or attestation")
    func participantReadsAnothersRecord() async throws {
        let fixture = try await EnrolmentFixture.make()
        try await fixture.publish()
        try await fixture.application.test(.router) { client in
            let api = APIClient(client: client)
            let session = try await api.openSession(mode: .open)
            let enrolment = try await api.post("/sessions/\(session)/enrolments", as: .teacher("t-1")).decode(
                EnrolmentView.self)
            _ = try await fixture.useCases.courseCompleted(
                CloudEvent(
                    id: "c-1", time: Date(),
                    event: Messages.completion(
                        of: enrolment.id, participant: "t-1", session: session,
                        at: try #require(Timestamp.parse("2026-10-15T14:00:00Z")))))
            try await Self.expectRefused(
                fixture,
                [
                    ("record", { try await api.get("/teachers/t-1/record?schoolYear=2026-2027", as: .teacher("t-2")) }),
                    (
                        "attestation",
                        { try await api.get("/teachers/t-1/attestation?schoolYear=2026-2027", as: .teacher("t-2")) }
                    ),
                    ("record without a year", { try await api.get("/teachers/t-1/record", as: .teacher("t-2")) }),
                ])
        }
    }

    @Test("a teacher cannot apply or enrol on behalf of another teacher")
    func participantAppliesForSomeoneElse() async throws {
        let fixture = try await EnrolmentFixture.make()
        try await fixture.publish()
        try await fixture.application.test(.router) { client in
            let api = APIClient(client: client)
            let application = try await api.openSession(mode: .application)
            let open = try await api.openSession(mode: .open)
            try await Self.expectRefused(
                fixture,
                [
                    (
                        "apply",
                        {
                            try await api.post(
                                "/sessions/\(application)/applications", as: .teacher("t-2"),
                                json: RequestBodies.Entry(participantID: "t-1"))
                        }
                    ),
                    (
                        "enrol",
                        {
                            try await api.post(
                                "/sessions/\(open)/enrolments", as: .teacher("t-2"),
                                json: RequestBodies.Entry(participantID: "t-1"))
                        }
                    ),
                ])
        }
    }

    @Test("a teacher cannot withdraw another teacher's enrolment, nor accept another's designation")
    func participantWithdrawsAnothers() async throws {
        let fixture = try await EnrolmentFixture.make()
        try await fixture.publish()
        try await fixture.application.test(.router) { client in
            let api = APIClient(client: client)
            let open = try await api.openSession(mode: .open)
            let enrolled = try await api.post("/sessions/\(open)/enrolments", as: .teacher("t-1")).decode(
                EnrolmentView.self)
            let designation = try await api.openSession(mode: .designation)
            let designated = try await api.post(
                "/sessions/\(designation)/designations",
                json: RequestBodies.Designation(participantID: "t-1", acceptanceRequired: true)
            ).decode(EnrolmentView.self)
            try await Self.expectRefused(
                fixture,
                [
                    ("withdraw", { try await api.post("/enrolments/\(enrolled.id)/withdraw", as: .teacher("t-2")) }),
                    (
                        "withdraw with a reason",
                        {
                            try await api.post(
                                "/enrolments/\(enrolled.id)/withdraw", as: .teacher("t-2"), json: ["reason": "mutation"]
                            )
                        }
                    ),
                    ("accept", { try await api.post("/enrolments/\(designated.id)/accept", as: .teacher("t-2")) }),
                    ("decline", { try await api.post("/enrolments/\(designated.id)/withdraw", as: .teacher("t-2")) }),
                ])
        }
    }

    @Test("a trainer or tutor not assigned to a session cannot list its enrolments, read them or its history")
    func unassignedStaffReadsEnrolments() async throws {
        let fixture = try await EnrolmentFixture.make()
        try await fixture.publish()
        try await fixture.application.test(.router) { client in
            let api = APIClient(client: client)
            // f-1 leads a session of its own; this one is led by f-2.
            _ = try await api.openSession(mode: .open)
            let session = try await api.openSession(mode: .open, trainers: ["f-2"])
            let enrolment = try await api.post("/sessions/\(session)/enrolments", as: .teacher("t-1")).decode(
                EnrolmentView.self)
            var attempts: [(String, () async throws -> APIClient.Reply)] = []
            for caller in [TestCaller.trainer, .otherTrainer, .otherTutor] {
                attempts += [
                    ("\(caller) lists", { try await api.get("/sessions/\(session)/enrolments", as: caller) }),
                    (
                        "\(caller) lists waitlisted",
                        { try await api.get("/sessions/\(session)/enrolments?state=waitlisted", as: caller) }
                    ),
                    (
                        "\(caller) reads the session's history",
                        { try await api.get("/sessions/\(session)/history", as: caller) }
                    ),
                    ("\(caller) reads an enrolment", { try await api.get("/enrolments/\(enrolment.id)", as: caller) }),
                    (
                        "\(caller) reads its history",
                        { try await api.get("/enrolments/\(enrolment.id)/history", as: caller) }
                    ),
                ]
            }
            try await Self.expectRefused(fixture, attempts)
        }
    }

    @Test("a trainer of the session who holds only the tutor role is not its trainer")
    func roleAndAssignmentGoTogether() async throws {
        let fixture = try await EnrolmentFixture.make()
        try await fixture.publish()
        try await fixture.application.test(.router) { client in
            let api = APIClient(client: client)
            let session = try await api.openSession(mode: .open)
            let impostor = TestCaller(subject: "f-1", role: .tutor, academy: "lyon")
            try await Self.expectRefused(
                fixture,
                [
                    ("lists", { try await api.get("/sessions/\(session)/enrolments", as: impostor) })
                ])
        }
    }
}
