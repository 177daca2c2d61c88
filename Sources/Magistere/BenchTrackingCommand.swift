import ArgumentParser
import Contracts
import Foundation
import ServiceSupport
import TrackingService

/// `magistere dev bench-tracking`: the tracking write path in-process, one transaction per report against
/// group commit, in one run.
///
/// It builds a tracking store, feeds it a published course, a session and `--teachers` approved enrolments
/// (the events tracking consumes), then records progress reports from `--concurrency` concurrent writers
/// through the application layer (the same path as `POST /enrolments/{id}/progress`, without HTTP and token
/// verification): every report is checked, stored, its completion recomputed and, when due, the completion
/// appended to the outbox, in the transaction that answers it.
struct BenchTrackingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-tracking",
        abstract: "Benchmark tracking's progress write path: a transaction per report against group commit.")
    @Option(help: "Approved enrolments.") var teachers = 2_000
    @Option(help: "Concurrent writers.") var concurrency = 64
    @Option(help: "Progress reports per measurement.") var reports = 20_000

    func run() async throws {
        let single = try await measure(maximumBatch: 1)
        let grouped = try await measure(maximumBatch: 256)
        print(
            "tracking progress write path, \(teachers) teachers, \(concurrency) concurrent writers, \(reports) reports")
        print(
            String(
                format: "one transaction per report:  %8.0f reports/s  (%d transactions)", single.rate,
                single.transactions))
        print(
            String(
                format: "group commit (≤ 256):        %8.0f reports/s  (%d transactions)", grouped.rate,
                grouped.transactions))
        print(String(format: "group commit / one per report: %.1f×", grouped.rate / single.rate))
    }

    private func measure(maximumBatch: Int) async throws -> (rate: Double, transactions: Int) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "magistere-bench-tracking-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let pool = try ServiceStore.open(path: directory.appendingPathComponent("tracking.sqlite").path) { migrator in
            TrackingMigrations.register(in: &migrator)
        }
        let store = PartitionStore(database: pool, maximumBatch: maximumBatch)
        let stores = TrackingStores.single(store)
        let projector = ReadModelProjector(stores: stores)
        let application = TrackingApplication(stores: stores)
        let now = Date()
        let activities = (1...4).map { index in
            ActivitySnapshot(
                id: "a\(index)", title: "Activité \(index)", kind: .video, grouping: .individual, modality: .distance,
                estimatedMinutes: 30, required: true)
        }
        let course = CourseVersionRef(courseID: "bench-course", version: 1)
        try await projector.apply(
            CloudEvent(
                id: UUID().uuidString, time: now,
                event: CoursePublished(
                    courseID: course.courseID, version: 1, title: "Bench", summary: "s", objectives: ["o"],
                    keywords: [],
                    domain: "Mathématiques", audience: Audience(schoolLevels: [.primary]), origin: .national,
                    nature: .tutored,
                    activities: activities, owner: CourseOwner(organisation: "bench"), publishedAt: now,
                    distanceMinutes: 120, inPersonMinutes: 0, durationBucket: .lessThan3h)))
        let past = now.addingTimeInterval(-3600)
        try await projector.apply(
            CloudEvent(
                id: UUID().uuidString, time: now,
                event: SessionScheduled(
                    sessionID: "bench-session", course: course, academy: "lyon", schoolLevel: .primary, title: "Bench",
                    calendar: SessionCalendar(
                        enrolmentOpensAt: past, enrolmentClosesAt: past, startsAt: past, endsAt: now),
                    trainerIDs: ["trainer"], tutorIDs: [], capacity: teachers, mode: .designation, actorID: "m",
                    occurredAt: past)))
        let enrolments = (0..<teachers).map { _ in UUID().uuidString.lowercased() }
        for (index, enrolment) in enrolments.enumerated() {
            try await projector.apply(
                CloudEvent(
                    id: UUID().uuidString, time: now,
                    event: EnrolmentApproved(
                        enrolmentID: enrolment, sessionID: "bench-session", participantID: "t-\(index)",
                        academy: "lyon",
                        course: course, schoolLevel: .primary, actorID: "m", occurredAt: past)))
        }
        let before = store.transactionCount
        let started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<concurrency {
                group.addTask {
                    var report = writer
                    while report < reports {
                        let teacher = report % enrolments.count
                        let record = ProgressRecord(
                            id: "r-\(report)", activityID: "a\(report / enrolments.count % 4 + 1)",
                            timeSpentSeconds: 60,
                            completed: true)
                        _ = try await application.recordProgress(
                            enrolmentID: enrolments[teacher], record: record,
                            by: Caller(subject: "t-\(teacher)", roles: [.participant]))
                        report += concurrency
                    }
                }
            }
            try await group.waitForAll()
        }
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return (Double(reports) / seconds, store.transactionCount - before)
    }
}
