import Contracts
import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Messaging
import ServiceSupport
import Testing

@testable import TrackingService

/// The course used across tests: a video, a quiz (threshold 0.7), an in-person meeting (required), a
/// virtual class and a forum (optional).
enum Plan {
    static let courseID = "course-maths"
    static let activities: [ActivitySnapshot] = [
        .sample("video", "Video", .video, minutes: 30),
        .sample("quiz", "Quiz", .selfAssessmentQuiz, minutes: 20, passThreshold: 0.7),
        .sample("meeting", "Meeting", .inPersonMeeting, minutes: 180),
        .sample("class", "Virtual class", .virtualClass, minutes: 60, required: false),
        .sample("forum", "Forum", .forum, minutes: 45, required: false),
    ]
    static let ref = CourseVersionRef(courseID: courseID, version: 1)
    static let trainer = "trainer-1"
    static let tutor = "tutor-1"
    static let academy = "lyon"
}

/// Bearer tokens of the people the tests play (`TestAuth`), in the fixture session's academy by default.
enum Callers {
    static func participant(_ id: String) async throws -> HTTPFields {
        try await TestAuth.headers(id, .participant, academy: Plan.academy)
    }

    static func trainer(_ id: String = Plan.trainer) async throws -> HTTPFields {
        try await TestAuth.headers(id, .trainer, academy: Plan.academy)
    }

    static func tutor(_ id: String = Plan.tutor) async throws -> HTTPFields {
        try await TestAuth.headers(id, .tutor, academy: Plan.academy)
    }

    /// A manager of `academy`; nil is a national manager.
    static func manager(_ id: String = "ien-1", academy: String? = Plan.academy) async throws -> HTTPFields {
        try await TestAuth.headers(id, .manager, academy: academy)
    }
}

/// Builders of the events tracking consumes.
enum Events {
    static let t0 = Timestamp.truncated(Date(timeIntervalSinceNow: -3600))

    static func coursePublished(activities: [ActivitySnapshot] = Plan.activities) -> CoursePublished {
        CoursePublished(
            courseID: Plan.courseID, version: 1, title: "Maths", summary: "s", objectives: ["o"], keywords: [],
            domain: "Mathématiques", audience: Audience(schoolLevels: [.primary]), origin: .national, nature: .tutored,
            activities: activities, owner: CourseOwner(organisation: "DGESCO"), publishedAt: t0,
            distanceMinutes: 155, inPersonMinutes: 180, durationBucket: .from3To6h)
    }

    static func sessionScheduled(
        _ sessionID: String, trainerIDs: [String] = [Plan.trainer], tutorIDs: [String] = [Plan.tutor],
        academy: String = Plan.academy
    ) -> SessionScheduled {
        SessionScheduled(
            sessionID: sessionID, course: Plan.ref, academy: academy, schoolLevel: .primary, district: "Lyon 3",
            title: "Maths",
            calendar: SessionCalendar(enrolmentOpensAt: t0, enrolmentClosesAt: t0, startsAt: t0, endsAt: t0),
            trainerIDs: trainerIDs, tutorIDs: tutorIDs, capacity: 30, mode: .designation, actorID: "ien-1",
            occurredAt: t0)
    }

    static func approved(
        _ sessionID: String, enrolmentID: String, participantID: String, academy: String = Plan.academy
    ) -> EnrolmentApproved {
        EnrolmentApproved(
            enrolmentID: enrolmentID, sessionID: sessionID, participantID: participantID, academy: academy,
            course: Plan.ref, schoolLevel: .primary, actorID: "ien-1", occurredAt: t0)
    }

    static func withdrawn(_ sessionID: String, enrolmentID: String, participantID: String) -> EnrolmentWithdrawn {
        EnrolmentWithdrawn(
            enrolmentID: enrolmentID, sessionID: sessionID, participantID: participantID, actorID: participantID,
            occurredAt: t0.addingTimeInterval(60))
    }

    static func envelope<E: DomainEvent>(_ event: E, id: String = UUID().uuidString.lowercased()) -> CloudEvent<E> {
        CloudEvent(id: id, time: Timestamp.truncated(Date()), event: event)
    }
}

/// A tracking service built by the real composition root on a real SQLite file (and an embedded bus that
/// nothing consumes), with helpers to feed it events (TestSupport's ``ServiceFixture``).
typealias TrackingFixture = ServiceFixture<TrackingServiceFactory.Assembly>

extension TrackingServiceFactory.Assembly: ServiceAssembly {}

extension ServiceFixture where Assembly == TrackingServiceFactory.Assembly {
    static func make(
        transport: (any MessageTransport)? = nil, options: TrackingServiceFactory.Options = .init()
    ) async throws -> TrackingFixture {
        var fixture = try await TrackingFixture("tracking", transport: transport) {
            try TrackingServiceFactory.assemble($0, options: options)
        }
        // What the tests inspect is the file of the fixture's session's partition.
        fixture.inspectedPath = PartitionNaming.file(
            ofPartition: TrackingPartitions.partition(ofSession: fixture.sessionID), storePath: fixture.storePath)
        return fixture
    }

    /// The fixture's own session (named after its folder, so that fixtures never share one).
    var sessionID: String { "session-\(directory.lastPathComponent.suffix(8).lowercased())" }
    var projector: ReadModelProjector { assembly.projector }
    var store: PartitionStore { try! assembly.stores.store(forSession: sessionID) }

    /// Publishes the course, schedules the session and approves the given enrolments (enrolment id → participant).
    func seed(enrolments: [String: String]) async throws {
        try await projector.apply(Events.envelope(Events.coursePublished()))
        try await projector.apply(Events.envelope(Events.sessionScheduled(sessionID)))
        for (enrolmentID, participantID) in enrolments {
            try await projector.apply(
                Events.envelope(Events.approved(sessionID, enrolmentID: enrolmentID, participantID: participantID)))
        }
    }

    /// Rows of a table of session data, in every partition's file (statements without a known session are kept
    /// in the first owned partition's).
    func rowCount(_ table: String) async throws -> Int {
        var count = 0
        for store in assembly.stores.all {
            count += try await store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0 }
        }
        return count
    }

    /// Every row of tracking's state and outbox, as text: equal snapshots before and after a refused request
    /// prove it changed nothing.
    func snapshot() async throws -> [String] {
        try await dump([
            "session", "enrolment", "activity_progress", "progress_record", "activity_completion",
            "course_completion", "xapi_statement", "magistere_outbox",
        ])
    }
}

extension HTTPFields {
    /// These fields with `name` set to `value` (removed when nil).
    func setting(_ name: HTTPField.Name, _ value: String?) -> HTTPFields {
        var copy = self
        copy[name] = value
        return copy
    }
}
