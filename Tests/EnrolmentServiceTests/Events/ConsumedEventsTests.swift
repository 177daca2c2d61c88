import Contracts
import Foundation
import GRDB
import HummingbirdTesting
import Messaging
import Testing

@testable import EnrolmentService

/// The consumer's handlers, driven delivery by delivery through `EventConsumer.settle` (no broker).
@Suite("Consuming catalogue and tracking events")
struct ConsumedEventsTests {
    /// An open session with one approved teacher `t-1`; returns (session id, enrolment id).
    static func approvedTeacher(_ fixture: EnrolmentFixture, _ api: APIClient) async throws -> (String, String) {
        let session = try await api.openSession(mode: .open)
        let enrolment = try await api.post("/sessions/\(session)/enrolments", as: .teacher("t-1")).decode(
            EnrolmentView.self)
        return (session, enrolment.id)
    }

    @Test("a published course version enters the read model once; an archived course can no longer be scheduled")
    func catalogue() async throws {
        let fixture = try await EnrolmentFixture.make()
        let consumer = fixture.assembly.consumer
        let published = try Messages.delivery(Fixtures.coursePublished())
        #expect(await consumer.settle(published) == .ack)
        #expect(await consumer.settle(published) == .ack, "a duplicate is acknowledged")
        #expect(
            try await fixture.useCases.courseVersion(CourseVersionRef(courseID: "crs-math", version: 1))?.title
                == "Résoudre des problèmes au cycle 3")
        let inbox = try await fixture.read { db in
            try Inbox.count(consumer: EnrolmentStore.consumer, in: db)
        }
        #expect(inbox == 1)
        #expect(
            await consumer.settle(try Messages.delivery(CourseArchived(courseID: "crs-math", archivedAt: Date())))
                == .ack)
        #expect(
            try await fixture.useCases.courseVersion(CourseVersionRef(courseID: "crs-math", version: 1))?.archivedAt
                != nil
        )
    }

    @Test("a course event from a service other than the catalogue is parked, not applied")
    func forged() async throws {
        let fixture = try await EnrolmentFixture.make()
        let forged = try Messages.delivery(Fixtures.coursePublished(), source: "/magistere/tracking")
        guard case .park = await fixture.assembly.consumer.settle(forged) else {
            Issue.record("a forged source must be parked")
            return
        }
        #expect(try await fixture.useCases.courseVersion(CourseVersionRef(courseID: "crs-math", version: 1)) == nil)
    }

    @Test("tracking's completion completes the enrolment, announces it and records the training in the teacher's year")
    func completion() async throws {
        let fixture = try await EnrolmentFixture.make()
        try await fixture.publish()
        try await fixture.application.test(.router) { client in
            let api = APIClient(client: client)
            let (session, enrolment) = try await Self.approvedTeacher(fixture, api)
            let completedAt = try #require(Timestamp.parse("2026-11-20T10:00:00Z"))
            let delivery = try Messages.delivery(
                Messages.completion(of: enrolment, participant: "t-1", session: session, at: completedAt))
            #expect(await fixture.assembly.consumer.settle(delivery) == .ack)

            #expect(try await api.get("/enrolments/\(enrolment)").decode(EnrolmentView.self).state == .completed)
            let completed = try await fixture.outboxEvents(EnrolmentCompleted.self)
            #expect(completed.map(\.enrolmentID) == [enrolment])
            #expect(completed.first?.actorID == nil)
            let record = try await api.get("/teachers/t-1/record?schoolYear=2026-2027", as: .teacher("t-1")).decode(
                TrainingRecord.self)
            #expect(record.trainings.map(\.enrolmentID) == [enrolment])
            #expect(record.distanceMinutes == 135)
            #expect(record.inPersonMinutes == 180)
            #expect(record.schoolLevel == .primary)
            #expect(record.obligation?.missingMinutes == 1080 - 315)
            #expect(record.obligation?.met == false)
            let other = try await api.get("/teachers/t-1/record?schoolYear=2025-2026", as: .teacher("t-1")).decode(
                TrainingRecord.self)
            #expect(other.trainings.isEmpty)
        }
    }

    @Test("a duplicate completion — redelivered, or re-announced under a new id — changes nothing")
    func duplicateCompletion() async throws {
        let fixture = try await EnrolmentFixture.make()
        try await fixture.publish()
        try await fixture.application.test(.router) { client in
            let api = APIClient(client: client)
            let (session, enrolment) = try await Self.approvedTeacher(fixture, api)
            let event = Messages.completion(of: enrolment, participant: "t-1", session: session, at: Fixtures.day(40))
            let delivery = try Messages.delivery(event)
            #expect(await fixture.assembly.consumer.settle(delivery) == .ack)
            let before = try await Self.snapshot(fixture, api, enrolment)

            #expect(await fixture.assembly.consumer.settle(delivery) == .ack)
            #expect(await fixture.assembly.consumer.settle(try Messages.delivery(event)) == .ack)
            let after = try await Self.snapshot(fixture, api, enrolment)
            #expect(after == before)
            #expect(after.outbox.filter { $0 == "enrolment.enrolment.completed.v1" }.count == 1)
            #expect(after.history == ["enrol", "complete"])
        }
    }

    struct Snapshot: Equatable {
        let outbox: [String]
        let history: [String]
        let record: String
    }

    static func snapshot(_ fixture: EnrolmentFixture, _ api: APIClient, _ enrolment: String) async throws -> Snapshot {
        let year = SchoolYear.containing(Fixtures.day(40)).description
        return Snapshot(
            outbox: try await fixture.outboxTypes(),
            history: try await fixture.useCases.history(of: "enrolment", id: enrolment).map(\.command),
            record: try await api.get("/teachers/t-1/record?schoolYear=\(year)", as: .teacher("t-1")).text)
    }

    @Test("a completion of an enrolment this service does not know is parked with the reason")
    func unknownEnrolment() async throws {
        let fixture = try await EnrolmentFixture.make()
        let delivery = try Messages.delivery(
            Messages.completion(of: "enr-ghost", participant: "t-1", session: "ses-x", at: Date()))
        guard case .park(let reason) = await fixture.assembly.consumer.settle(delivery) else {
            Issue.record("expected the completion to be parked")
            return
        }
        #expect(reason.contains("enr-ghost"))
    }
}
