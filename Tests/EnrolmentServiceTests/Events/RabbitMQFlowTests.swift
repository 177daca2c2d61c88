import Contracts
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Messaging
import ServiceSupport
import Synchronization
import Testing

@testable import EnrolmentService

/// The service wired to a real RabbitMQ node: its own exchange and queues, its relay and consumer running.
@Suite("Event flow through RabbitMQ", .serialized)
struct RabbitMQFlowTests {
    /// Collects the messages an observer queue receives.
    final class Observed: Sendable {
        private let messages = Mutex<[Message]>([])
        func append(_ message: Message) { messages.withLock { $0.append(message) } }
        var all: [Message] { messages.withLock { $0 } }
        func of(type: String) -> [Message] { all.filter { $0.type == type } }
    }

    @Test(
        "course published → session scheduled → approved event observed; completion → record; a duplicate changes nothing"
    )
    func flow() async throws {
        let endpoint = try TestEnvironment.requireAMQP()
        let tag = UUID().uuidString.prefix(8).lowercased()
        let transport = AMQPTransport(
            endpoint: endpoint, topology: AMQPTopology(exchange: "test.enrolment.\(tag)"), confirmTimeout: .seconds(10),
            logger: TestLog.logger)
        defer { transport.close() }
        let fixture = try await EnrolmentFixture("enrolment", transport: transport) {
            try EnrolmentServiceFactory.assemble($0, options: .init(queue: "test.enrolment.events.\(tag)"))
        }
        let (assembly, store, useCases) = (fixture.assembly, fixture.store, fixture.useCases)

        // Queues first, so nothing published from now on is lost.
        let observer = Subscription(
            queue: "test.enrolment.observer.\(tag)", bindings: ["enrolment.#"], retry: TestLog.fastRetry)
        try await transport.declare(observer)
        try await transport.declare(assembly.consumer.subscription)
        let observed = Observed()

        try await withThrowingTaskGroup(of: Void.self) { group in
            for service in assembly.service.background {
                group.addTask { try await service.run() }
            }
            group.addTask {
                try await transport.consume(observer) { delivery in
                    observed.append(delivery.message)
                    return .ack
                }
            }

            // Given the catalogue publishes a course version
            let course = Fixtures.coursePublished(id: "crs-\(tag)")
            try await transport.publish([try Messages.message(course)])
            let ref = CourseVersionRef(courseID: course.courseID, version: 1)
            try await expectEventually("the course version reaches the read model") {
                try await useCases.courseVersion(ref) != nil
            }

            try await Application(router: assembly.service.router(registry: nil)).test(.router) { client in
                let api = APIClient(client: client)
                // When a manager schedules and opens a session of it, and a teacher enrols
                var plan = Fixtures.plan(course: course.courseID, mode: .open)
                plan.capacity = 5
                let scheduled = try await api.post("/sessions", json: plan)
                #expect(scheduled.status == .created, "\(scheduled.text)")
                let session = try scheduled.decode(SessionView.self).id
                #expect(try await api.post("/sessions/\(session)/open").status == .ok)
                let enrolment = try await api.post("/sessions/\(session)/enrolments", as: .teacher("t-42")).decode(
                    EnrolmentView.self)
                #expect(enrolment.state == .approved)

                // Then the approval reaches a queue bound by another system, with what tracking needs
                try await expectEventually("the approved event is observed") {
                    !observed.of(type: EnrolmentApproved.eventType.rawValue).isEmpty
                }
                let approvedMessage = try #require(observed.of(type: EnrolmentApproved.eventType.rawValue).first)
                let approved = try EventCoding.decode(CloudEvent<EnrolmentApproved>.self, from: approvedMessage.body)
                #expect(approved.source == "/magistere/enrolment")
                #expect(approved.data.enrolmentID == enrolment.id)
                #expect(approved.data.sessionID == session)
                #expect(approved.data.course == ref)
                #expect(approved.data.academy == "lyon")
                #expect(approved.data.schoolLevel == .primary)
                #expect(observed.of(type: SessionScheduled.eventType.rawValue).count == 1)

                // When tracking announces the completion
                let completedAt = try #require(Timestamp.parse("2026-10-15T14:00:00Z"))
                let completion = try Messages.message(
                    Messages.completion(of: enrolment.id, participant: "t-42", session: session, at: completedAt))
                try await transport.publish([completion])

                // Then the enrolment is completed, announced, and in the teacher's record
                try await expectEventually("the completion is announced") {
                    !observed.of(type: EnrolmentCompleted.eventType.rawValue).isEmpty
                }
                let record = try await api.get("/teachers/t-42/record?schoolYear=2026-2027", as: .teacher("t-42"))
                    .decode(TrainingRecord.self)
                #expect(record.trainings.map(\.enrolmentID) == [enrolment.id])
                #expect(record.totalMinutes == 315)
                #expect(try await api.get("/enrolments/\(enrolment.id)").decode(EnrolmentView.self).state == .completed)

                // When the same completion is delivered again, and once more under a new id
                let recordBefore = try await api.get("/teachers/t-42/record?schoolYear=2026-2027", as: .teacher("t-42"))
                    .text
                let again = try Messages.message(
                    Messages.completion(of: enrolment.id, participant: "t-42", session: session, at: completedAt))
                // A later sentinel tells when the duplicates (ahead of it in the queue) were handled.
                let sentinel = try Messages.message(CourseArchived(courseID: "crs-sentinel-\(tag)", archivedAt: Date()))
                try await transport.publish([completion, again, sentinel])
                try await expectEventually("the sentinel behind the duplicates is consumed") {
                    try await store.read { db in
                        try Int.fetchOne(
                            db, sql: "SELECT COUNT(*) FROM archivedCourse WHERE courseID = ?",
                            arguments: ["crs-sentinel-\(tag)"]) == 1
                    }
                }
                try await Task.sleep(for: .milliseconds(300))

                // Then nothing changed
                #expect(
                    try await api.get("/teachers/t-42/record?schoolYear=2026-2027", as: .teacher("t-42")).text
                        == recordBefore)
                #expect(observed.of(type: EnrolmentCompleted.eventType.rawValue).count == 1)
                #expect(
                    try await useCases.history(of: "enrolment", id: enrolment.id).map(\.command) == [
                        "enrol", "complete",
                    ])
                #expect(
                    try await transport.parkedMessages(queue: assembly.consumer.subscription.queue, limit: 10).isEmpty)
            }
            group.cancelAll()
        }
    }
}
