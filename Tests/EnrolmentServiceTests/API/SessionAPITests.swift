import Contracts
import Foundation
import HummingbirdTesting
import Testing

@testable import EnrolmentService

@Suite("Scheduling and running sessions over HTTP")
struct SessionAPITests {
    @Test("a manager schedules a session of a published course; it is announced in the same transaction")
    func schedule() async throws {
        let fixture = try await EnrolmentFixture.make()
        try await fixture.publish()
        try await fixture.application.test(.router) { client in
            let api = APIClient(client: client)
            let reply = try await api.post("/sessions", json: Fixtures.plan(capacity: 12))
            #expect(reply.status == .created)
            let session = try reply.decode(SessionView.self)
            #expect(reply.headers[.location] == "/sessions/\(session.id)")
            #expect(session.state == .inPreparation)
            #expect(session.seats == .init(capacity: 12, taken: 0, free: 12, waitlisted: 0))
            #expect(try await fixture.outboxTypes(subject: session.id) == ["enrolment.session.scheduled.v1"])
            let scheduled = try #require(try await fixture.outboxEvents(SessionScheduled.self).first)
            #expect(scheduled.actorID == "mgr-1")
            #expect(scheduled.district == "Lyon 3")
            #expect(scheduled.calendar.meetings.count == 2)
            let read = try await api.get("/sessions/\(session.id)")
            #expect(try read.decode(SessionView.self) == session)
        }
    }

    @Test("a course version the catalogue never published, or archived, cannot be scheduled (422 naming course)")
    func unknownCourse() async throws {
        let fixture = try await EnrolmentFixture.make()
        try await fixture.application.test(.router) { client in
            let api = APIClient(client: client)
            let unknown = try await api.post("/sessions", json: Fixtures.plan())
            #expect(unknown.status == .unprocessableContent)
            #expect(unknown.problem?.errors?.map(\.field) == ["course"])

            try await fixture.publish()
            try await fixture.useCases.courseArchived(
                CloudEvent(id: "arch-1", time: Date(), event: CourseArchived(courseID: "crs-math", archivedAt: Date())))
            let archived = try await api.post("/sessions", json: Fixtures.plan())
            #expect(archived.status == .unprocessableContent)
            #expect(archived.problem?.detail?.contains("archived") == true)
            #expect(try await fixture.outboxTypes().isEmpty, "nothing announced")
        }
    }

    @Test("a session opens only with a trainer, then starts and closes; an illegal step is 409 with the current state")
    func lifeCycle() async throws {
        let fixture = try await EnrolmentFixture.make()
        try await fixture.publish()
        try await fixture.application.test(.router) { client in
            let api = APIClient(client: client)
            let id = try await api.scheduleSession(trainers: [])
            let refused = try await api.post("/sessions/\(id)/open")
            #expect(refused.status == .conflict)
            #expect(refused.problem?.currentState == "inPreparation")
            #expect(refused.problem?.detail?.contains("trainer") == true)

            let staffed = try await api.request(
                .put, "/sessions/\(id)/trainers", json: RequestBodies.Trainers(trainerIDs: ["f-1", "f-2"]))
            #expect(try staffed.decode(SessionView.self).trainerIDs == ["f-1", "f-2"])
            let tutors = try await api.request(
                .put, "/sessions/\(id)/tutors", json: RequestBodies.Tutors(tutorIDs: ["tu-9"]))
            #expect(try tutors.decode(SessionView.self).tutorIDs == ["tu-9"])
            #expect(try await api.post("/sessions/\(id)/open").decode(SessionView.self).state == .openForEnrolment)
            #expect(try await api.post("/sessions/\(id)/start").decode(SessionView.self).state == .running)
            #expect(try await api.post("/sessions/\(id)/close").decode(SessionView.self).state == .closed)
            let again = try await api.post("/sessions/\(id)/start")
            #expect(again.status == .conflict)
            #expect(again.problem?.currentState == "closed")
            #expect(
                try await fixture.outboxTypes(subject: id) == [
                    "enrolment.session.scheduled.v1", "enrolment.session.staff-changed.v1",
                    "enrolment.session.staff-changed.v1", "enrolment.session.opened.v1", "enrolment.session.started.v1",
                    "enrolment.session.closed.v1",
                ])
            // Each staff change announces the whole assignment, so tracking can replace what it knew.
            let changes = try await fixture.outboxEvents(SessionStaffChanged.self)
            #expect(changes.map(\.trainerIDs) == [["f-1", "f-2"], ["f-1", "f-2"]])
            #expect(changes.map(\.tutorIDs) == [["tu-1"], ["tu-9"]])
            #expect(changes.allSatisfy { $0.sessionID == id && $0.actorID == "mgr-1" && $0.academy == "lyon" })
            let history = try await api.get("/sessions/\(id)/history").decode(History.self)
            #expect(
                history.transitions.map(\.command) == [
                    "schedule", "assignTrainers", "assignTutors", "open", "start", "close",
                ])
            #expect(history.transitions.allSatisfy { $0.actorID == "mgr-1" })
        }
    }

    @Test("cancelling needs a reason, and is announced with it")
    func cancel() async throws {
        let fixture = try await EnrolmentFixture.make()
        try await fixture.publish()
        try await fixture.application.test(.router) { client in
            let api = APIClient(client: client)
            let id = try await api.openSession()
            #expect(try await api.post("/sessions/\(id)/cancel", json: ["reason": ""]).status == .unprocessableContent)
            let cancelled = try await api.post("/sessions/\(id)/cancel", json: ["reason": "formateur indisponible"])
            #expect(try cancelled.decode(SessionView.self).state == .cancelled)
            #expect(try await fixture.outboxEvents(SessionCancelled.self).map(\.reason) == ["formateur indisponible"])
        }
    }

    @Test("sessions are listed by academy and state; unknown query parameters are 400")
    func listing() async throws {
        let fixture = try await EnrolmentFixture.make()
        try await fixture.publish()
        try await fixture.application.test(.router) { client in
            let api = APIClient(client: client)
            let first = try await api.openSession()
            let second = try await api.scheduleSession()
            let lyon = try await api.get("/sessions?academy=lyon").decode(SessionController.SessionList.self)
            #expect(Set(lyon.sessions.map(\.id)) == [first, second])
            let open = try await api.get("/sessions?academy=lyon&state=openForEnrolment").decode(
                SessionController.SessionList.self)
            #expect(open.sessions.map(\.id) == [first])
            #expect(
                try await api.get("/sessions?academy=creteil").decode(SessionController.SessionList.self).sessions
                    .isEmpty)
            let unknown = try await api.get("/sessions?acadmy=lyon")
            #expect(unknown.status == .badRequest)
            #expect(unknown.problem?.errors?.map(\.field) == ["acadmy"])
            #expect(try await api.get("/sessions?state=flying").status == .badRequest)
            // By district, and by a member of staff (an exact id: a prefix or a wildcard matches nothing).
            let other = try await api.scheduleSession(trainers: ["f-10"])
            #expect(
                Set(
                    try await api.get("/sessions?district=Lyon%203").decode(SessionController.SessionList.self).sessions
                        .map(\.id)) == [first, second, other])
            #expect(
                try await api.get("/sessions?district=Lyon%204").decode(SessionController.SessionList.self).sessions
                    .isEmpty)
            #expect(
                Set(
                    try await api.get("/sessions?staff=f-1").decode(SessionController.SessionList.self).sessions.map(
                        \.id))
                    == [first, second])
            #expect(
                try await api.get("/sessions?staff=f-10").decode(SessionController.SessionList.self).sessions.map(\.id)
                    == [other])
            #expect(
                Set(
                    try await api.get("/sessions?staff=tu-1").decode(SessionController.SessionList.self).sessions.map(
                        \.id))
                    == [first, second, other])
            #expect(
                try await api.get("/sessions?staff=f-_").decode(SessionController.SessionList.self).sessions.isEmpty)
            #expect(try await api.get("/sessions?staff=Jeanne%20Dupont").status == .badRequest)
            #expect(try await api.get("/sessions/\(first)?verbose=1").status == .badRequest)
        }
    }

    @Test("calls need a bearer token (401 with a challenge without), unknown ids are 404, bad plans 422 per field")
    func errors() async throws {
        let fixture = try await EnrolmentFixture.make()
        try await fixture.publish()
        try await fixture.application.test(.router) { client in
            let api = APIClient(client: client)
            let anonymous = try await api.post("/sessions", as: nil, json: Fixtures.plan())
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.headers[.contentType] == "application/problem+json")
            #expect(anonymous.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
            #expect(try await fixture.outboxTypes().isEmpty)
            #expect(try await api.get("/sessions/ses-nope").status == .notFound)
            #expect(try await api.post("/sessions/ses-nope/open").status == .notFound)
            var plan = Fixtures.plan()
            plan.capacity = 0
            plan.district = nil
            let invalid = try await api.post("/sessions", json: plan)
            #expect(invalid.status == .unprocessableContent)
            #expect(Set(invalid.problem?.errors?.map(\.field) ?? []) == ["capacity", "district"])
            let malformed = try await api.request(
                .post, "/sessions", raw: "{\"course\": 3}", contentType: "application/json")
            #expect(malformed.status == .unprocessableContent || malformed.status == .badRequest)
            let wrongType = try await api.request(.post, "/sessions", raw: "x", contentType: "text/plain")
            #expect(wrongType.status == .unsupportedMediaType)
        }
    }
}
