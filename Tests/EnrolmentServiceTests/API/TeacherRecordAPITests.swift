import Contracts
import Foundation
import Hummingbird
import HummingbirdTesting
import ServiceSupport
import Testing

@testable import EnrolmentService

@Suite("Teachers' yearly record and attestation over HTTP")
struct TeacherRecordAPITests {
    @Test("a primary teacher's year sums trainings; 31 August and 1 September fall in different years")
    func yearBoundary() async throws {
        let fixture = try await EnrolmentFixture.make()
        try await fixture.publish()
        try await fixture.application.test(.router) { client in
            let api = APIClient(client: client)
            let session = try await api.openSession(capacity: 5, mode: .open)
            let august = try await api.post("/sessions/\(session)/enrolments", as: .teacher("t-1")).decode(
                EnrolmentView.self)
            // Noon in Paris on each side of the turn of the year.
            _ = try await fixture.useCases.courseCompleted(
                CloudEvent(
                    id: "c-1", time: Date(),
                    event: Messages.completion(
                        of: august.id, participant: "t-1", session: session,
                        at: try #require(Timestamp.parse("2026-08-31T10:00:00Z")),
                        distance: 600, inPerson: 0)))
            let other = try await api.openSession(capacity: 5, mode: .open)
            let september = try await api.post("/sessions/\(other)/enrolments", as: .teacher("t-1")).decode(
                EnrolmentView.self)
            _ = try await fixture.useCases.courseCompleted(
                CloudEvent(
                    id: "c-2", time: Date(),
                    event: Messages.completion(
                        of: september.id, participant: "t-1", session: other,
                        at: try #require(Timestamp.parse("2026-09-01T10:00:00Z")),
                        distance: 540, inPerson: 540)))

            let ending = try await api.get("/teachers/t-1/record?schoolYear=2025-2026", as: .teacher("t-1")).decode(
                TrainingRecord.self)
            #expect(ending.trainings.map(\.enrolmentID) == [august.id])
            let starting = try await api.get("/teachers/t-1/record?schoolYear=2026-2027", as: .teacher("t-1")).decode(
                TrainingRecord.self)
            #expect(starting.trainings.map(\.enrolmentID) == [september.id])
            #expect(starting.obligation?.met == true)
            #expect(starting.obligation?.doneMinutes == 1080)

            let attestation = try await api.get("/teachers/t-1/attestation?schoolYear=2026-2027", as: .teacher("t-1"))
            #expect(attestation.status == .ok)
            let body = try attestation.decode(TeacherRecordController.Attestation.self)
            #expect(body.record == starting)
            #expect(body.statement.contains("is met"))
        }
    }

    @Test("a teacher the service knows only by an approved primary enrolment sees 18 h missing")
    func nothingYet() async throws {
        let fixture = try await EnrolmentFixture.make()
        try await fixture.publish()
        try await fixture.application.test(.router) { client in
            let api = APIClient(client: client)
            let session = try await api.openSession(mode: .open)
            _ = try await api.post("/sessions/\(session)/enrolments", as: .teacher("t-5"))
            let record = try await api.get("/teachers/t-5/record?schoolYear=2026-2027", as: .teacher("t-5")).decode(
                TrainingRecord.self)
            #expect(record.trainings.isEmpty)
            #expect(record.obligation?.missingMinutes == 1080)
            #expect(record.obligation?.missingDistanceMinutes == 540)
        }
    }

    @Test("a malformed school year or an unknown parameter is 400")
    func badQuery() async throws {
        let fixture = try await EnrolmentFixture.make()
        try await fixture.application.test(.router) { client in
            let api = APIClient(client: client)
            let wrongYear = try await api.get("/teachers/t-1/record?schoolYear=2026-2028", as: .teacher("t-1"))
            let unknownParameter = try await api.get("/teachers/t-1/record?year=2026-2027", as: .teacher("t-1"))
            let shortYear = try await api.get("/teachers/t-1/attestation?schoolYear=2026", as: .teacher("t-1"))
            #expect(wrongYear.status == .badRequest)
            #expect(unknownParameter.status == .badRequest)
            #expect(unknownParameter.problem?.errors?.map(\.field) == ["year"])
            #expect(shortYear.status == .badRequest)
        }
    }
}

@Suite("A teacher's own enrolments over HTTP")
struct TeacherEnrolmentsAPITests {
    @Test("every state of the teacher's enrolments, newest first, a waiting list with its position; nobody else's")
    func ownEnrolments() async throws {
        let fixture = try await EnrolmentFixture.make()
        try await fixture.publish()
        try await fixture.application.test(.router) { client in
            let api = APIClient(client: client)
            let full = try await api.openSession(capacity: 1, mode: .application)
            let first = try await api.post("/sessions/\(full)/applications", as: .teacher("t-2")).decode(
                EnrolmentView.self)
            _ = try await api.post("/enrolments/\(first.id)/approve", as: .manager)
            let mine = try await api.post("/sessions/\(full)/applications", as: .teacher("t-1")).decode(
                EnrolmentView.self)
            _ = try await api.post("/enrolments/\(mine.id)/approve", as: .manager)
            let open = try await api.openSession(capacity: 5, mode: .open)
            let approved = try await api.post("/sessions/\(open)/enrolments", as: .teacher("t-1")).decode(
                EnrolmentView.self)

            let list = try await api.get("/teachers/t-1/enrolments", as: .teacher("t-1")).decode(
                EnrolmentController.EnrolmentList.self)
            #expect(list.enrolments.map(\.id) == [approved.id, mine.id])
            #expect(list.enrolments.map(\.state) == [.approved, .waitlisted])
            #expect(list.enrolments.last?.waitlistPosition == 1)

            let someoneElse = try await api.get("/teachers/t-1/enrolments", as: .teacher("t-2"))
            #expect(someoneElse.status == .forbidden)
            let manager = try await api.get("/teachers/t-1/enrolments", as: .manager)
            #expect(manager.status == .forbidden)
            let unknownParameter = try await api.get("/teachers/t-1/enrolments?state=approved", as: .teacher("t-1"))
            #expect(unknownParameter.status == .badRequest)
            let nobody = try await api.get("/teachers/t-9/enrolments", as: .teacher("t-9")).decode(
                EnrolmentController.EnrolmentList.self)
            #expect(nobody.enrolments.isEmpty)
        }
    }
}

@Suite("The teacher's reads say up to when tracking's completions are applied")
struct ConsistentThroughTests {
    /// The service's own router (access rules, problems), with the record routes given this watermark.
    static func router(_ fixture: EnrolmentFixture, _ through: Date?) -> Router<ServiceRequestContext> {
        var service = fixture.service
        let application = fixture.useCases
        service.routes = { router in
            TeacherRecordController(application: application, now: Date.init) { through }.addRoutes(to: router)
        }
        return service.router(registry: nil)
    }

    @Test(
        "X-Consistent-Through on the record, the attestation and the enrolments once the consumer has sampled its queue"
    )
    func header() async throws {
        let fixture = try await EnrolmentFixture.make()
        let through = try #require(Timestamp.parse("2026-12-07T10:00:00.000Z"))
        let caller = try await TestCaller.teacher("t-1").headers()
        for (watermark, expected) in [(through as Date?, "2026-12-07T10:00:00.000Z" as String?), (nil, nil)] {
            try await Application(router: Self.router(fixture, watermark)).test(.router) { client in
                for path in ["/teachers/t-1/record", "/teachers/t-1/attestation", "/teachers/t-1/enrolments"] {
                    let response = try await client.execute(uri: path, method: .get, headers: caller)
                    #expect(response.status == .ok, "\(path)")
                    #expect(response.headers[Reply.consistentThrough] == expected, "\(path)")
                }
            }
        }
        // Wired to the service's consumer: before its first sample of the queue, no header.
        try await fixture.application.test(.router) { client in
            let response = try await client.execute(uri: "/teachers/t-1/record", method: .get, headers: caller)
            #expect(response.headers[Reply.consistentThrough] == nil)
        }
    }
}
