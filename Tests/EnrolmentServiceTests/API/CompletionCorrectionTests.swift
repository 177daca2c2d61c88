import Contracts
import Foundation
import Hummingbird
import HummingbirdTesting
import Messaging
import ServiceSupport
import Testing

@testable import EnrolmentService

/// Tracking's corrections reaching the teacher's record (issue 18): a revoked completion takes the training out
/// of the record and the attestation, once, with the history kept; revisions decide when deliveries cross.
@Suite("Corrections of completions in the teachers' records")
struct CompletionCorrectionTests {
    static let date = Timestamp.parse("2026-11-20T10:00:00Z")!

    func completed(_ event: CourseCompleted, id: String, _ fixture: EnrolmentFixture) async throws -> CompletionOutcome
    {
        try await fixture.useCases.courseCompleted(CloudEvent(id: id, time: Date(), event: event))
    }

    func revoked(
        _ event: CourseCompletionRevoked, id: String, _ fixture: EnrolmentFixture
    ) async throws
        -> CompletionOutcome
    {
        try await fixture.useCases.courseCompletionRevoked(CloudEvent(id: id, time: Date(), event: event))
    }

    @Test("a revoked completion leaves the record and the attestation once; a later revision comes back with its hours")
    func revokedThenCompletedAgain() async throws {
        let fixture = try await EnrolmentFixture.make()
        try await fixture.publish()
        try await fixture.application.test(.router) { client in
            let api = APIClient(client: client)
            let session = try await api.openSession(capacity: 5, mode: .open)
            let enrolment = try await api.post("/sessions/\(session)/enrolments", as: .teacher("t-1")).decode(
                EnrolmentView.self)
            func record() async throws -> TrainingRecord {
                try await api.get("/teachers/t-1/record?schoolYear=2026-2027", as: .teacher("t-1")).decode(
                    TrainingRecord.self)
            }
            let completion = Messages.completion(
                of: enrolment.id, participant: "t-1", session: session, at: Self.date)
            #expect(try await completed(completion, id: "c-1", fixture) == .recorded)
            #expect(try await record().obligation?.doneMinutes == 315)

            let revocation = Messages.revocation(of: enrolment.id, participant: "t-1", session: session)
            #expect(try await revoked(revocation, id: "r-1", fixture) == .revoked)
            #expect(try await revoked(revocation, id: "r-1", fixture) == .duplicate, "redelivered")
            #expect(try await completed(completion, id: "c-1-again", fixture) == .duplicate, "revision 1 is revoked")
            #expect(try await record().trainings.isEmpty)
            #expect(try await record().obligation?.doneMinutes == 0)
            let attestation = try await api.get(
                "/teachers/t-1/attestation?schoolYear=2026-2027", as: .teacher("t-1")
            ).decode(TeacherRecordController.Attestation.self)
            #expect(attestation.record.trainings.isEmpty)
            let state = try await api.get("/enrolments/\(enrolment.id)", as: .teacher("t-1")).decode(EnrolmentView.self)
            #expect(state.state == .approved)

            let again = Messages.completion(
                of: enrolment.id, participant: "t-1", session: session, at: Self.date, distance: 135, inPerson: 0,
                revision: 2)
            #expect(try await completed(again, id: "c-2", fixture) == .recorded)
            #expect(try await record().obligation?.doneMinutes == 135)

            let history = try await api.get("/enrolments/\(enrolment.id)/history").decode(History.self)
            #expect(
                history.transitions.map(\.command).suffix(3) == ["complete", "revokeCompletion", "complete"])
            #expect(
                history.transitions.last { $0.command == "revokeCompletion" }?.reason?.contains("attendance-corrected")
                    == true)
        }
        let revokedEvents = try await fixture.outboxMessages(type: EnrolmentCompletionRevoked.eventType.rawValue)
        #expect(
            revokedEvents.map(\.id) == ["enrolment-completion-revoked-\(try #require(revokedEvents.first?.subject))-1"])
        let completedEvents = try await fixture.outboxMessages(type: EnrolmentCompleted.eventType.rawValue)
        #expect(completedEvents.count == 2)
        #expect(Set(completedEvents.map(\.id)).count == 2, "the second completion is announced under its own id")
    }

    @Test("deliveries that cross: a revocation before its completion wins; a revision before the revocation replaces")
    func crossedDeliveries() async throws {
        let fixture = try await EnrolmentFixture.make()
        try await fixture.publish()
        try await fixture.application.test(.router) { client in
            let api = APIClient(client: client)
            let session = try await api.openSession(capacity: 5, mode: .open)
            let first = try await api.post("/sessions/\(session)/enrolments", as: .teacher("t-1")).decode(
                EnrolmentView.self)
            let second = try await api.post("/sessions/\(session)/enrolments", as: .teacher("t-2")).decode(
                EnrolmentView.self)

            // t-1: the revocation of revision 1 arrives first; revision 1 then never enters the record.
            #expect(
                try await revoked(
                    Messages.revocation(of: first.id, participant: "t-1", session: session), id: "r-t1", fixture)
                    == .duplicate)
            #expect(
                try await completed(
                    Messages.completion(of: first.id, participant: "t-1", session: session, at: Self.date),
                    id: "c-t1", fixture) == .duplicate)
            let t1 = try await api.get("/teachers/t-1/record?schoolYear=2026-2027", as: .teacher("t-1")).decode(
                TrainingRecord.self)
            #expect(t1.trainings.isEmpty)

            // t-2: revision 1, then revision 2 (fewer hours) before the revocation of 1.
            _ = try await completed(
                Messages.completion(of: second.id, participant: "t-2", session: session, at: Self.date),
                id: "c-t2-1", fixture)
            #expect(
                try await completed(
                    Messages.completion(
                        of: second.id, participant: "t-2", session: session, at: Self.date, distance: 100, inPerson: 0,
                        revision: 2), id: "c-t2-2", fixture) == .revised)
            #expect(
                try await revoked(
                    Messages.revocation(of: second.id, participant: "t-2", session: session), id: "r-t2", fixture)
                    == .duplicate)
            let t2 = try await api.get("/teachers/t-2/record?schoolYear=2026-2027", as: .teacher("t-2")).decode(
                TrainingRecord.self)
            #expect(t2.trainings.map(\.distanceMinutes) == [100])
            let state = try await api.get("/enrolments/\(second.id)", as: .teacher("t-2")).decode(EnrolmentView.self)
            #expect(state.state == .completed)
        }
        #expect(try await fixture.outboxMessages(type: EnrolmentCompletionRevoked.eventType.rawValue).isEmpty)
    }

    @Test("a revocation that overtakes the ones before it still takes the older revision out of the record")
    func revocationOvertakes() async throws {
        let fixture = try await EnrolmentFixture.make()
        try await fixture.publish()
        try await fixture.application.test(.router) { client in
            let api = APIClient(client: client)
            let session = try await api.openSession(capacity: 5, mode: .open)
            let enrolment = try await api.post("/sessions/\(session)/enrolments", as: .teacher("t-3")).decode(
                EnrolmentView.self)
            _ = try await completed(
                Messages.completion(of: enrolment.id, participant: "t-3", session: session, at: Self.date),
                id: "c-1", fixture)
            // Revoked 1, completed 2 and revoked 2 were sent; the last arrives first.
            #expect(
                try await revoked(
                    Messages.revocation(of: enrolment.id, participant: "t-3", session: session, revision: 2),
                    id: "r-2", fixture) == .revoked)
            #expect(
                try await revoked(
                    Messages.revocation(of: enrolment.id, participant: "t-3", session: session), id: "r-1", fixture)
                    == .duplicate)
            #expect(
                try await completed(
                    Messages.completion(
                        of: enrolment.id, participant: "t-3", session: session, at: Self.date, revision: 2),
                    id: "c-2", fixture) == .duplicate)
            let record = try await api.get("/teachers/t-3/record?schoolYear=2026-2027", as: .teacher("t-3")).decode(
                TrainingRecord.self)
            #expect(record.trainings.isEmpty)
        }
        let revokedEvents = try await fixture.outboxEvents(EnrolmentCompletionRevoked.self)
        #expect(revokedEvents.map(\.revision) == [1], "the revision the record held")
        #expect(revokedEvents.map(\.distanceMinutes) == [135])
    }
}
