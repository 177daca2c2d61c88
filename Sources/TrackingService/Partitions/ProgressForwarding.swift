import Contracts
import Foundation
import GRDB
import Messaging
import ServiceSupport

/// A progress report accepted by a tracking instance that does not own the enrolment's session, sent through the
/// broker to the partition's queue, where its owner records it as if it had been posted there. Internal to
/// tracking: sent straight to a partition queue (never on the domain exchange), accepted only from tracking's own
/// broker user.
struct ProgressForwarded: DomainEvent {
    static let eventType: EventType = "tracking.progress.forwarded.v1"
    static let producer: ServiceName = .tracking

    /// The id the client was given to learn the outcome.
    var requestID: String
    var enrolmentID: String
    var sessionID: String
    /// The verified subject of the token that posted the report.
    var participantID: String
    var record: ProgressRecord
    var acceptedAt: Date

    var subject: String { enrolmentID }
}

/// What became of a forwarded report, kept by the partition that decided it.
struct ForwardedOutcome: Codable, Sendable, Equatable {
    enum State: String, Codable, Sendable {
        /// Not decided yet (still in the partition's queue, its owner away or busy).
        case pending
        /// Recorded (or recognised as a replay of a report recorded before).
        case applied
        /// Refused: `problem` says why, as the owner would have answered the POST.
        case refused
    }

    /// Why a report was refused: the problem the owner would have answered the POST with.
    struct Refusal: Codable, Sendable, Equatable {
        var kind: String
        var title: String
        var detail: String?
        var errors: [Problem.FieldError]
    }

    var requestID: String
    var state: State
    /// The status the POST would have had at the owner: 201, 200 (a replay), or the problem's.
    var status: Int?
    var refusal: Refusal?
    /// For an applied report: whether it was a replay and whether it completed the course.
    var replayed: Bool?
    var courseCompleted: Bool?
    var decidedAt: Date?
}

/// Sends reports for sessions owned elsewhere to their partition's queue, confirmed by the broker before the
/// client is answered.
struct ProgressForwarder: Sendable {
    let transport: any MessageTransport
    let naming: PartitionNaming

    func forward(_ command: ProgressForwarded) async throws {
        let message = try Message.event(command, id: command.requestID, time: command.acceptedAt)
        let partition = TrackingPartitions.partition(ofSession: command.sessionID)
        try await transport.send([(naming.queue(ofPartition: partition), message)])
    }
}

/// The stored outcomes of forwarded reports.
enum ForwardedRequestRow {
    static func record(_ outcome: ForwardedOutcome, sessionID: String, enrolmentID: String, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT OR IGNORE INTO forwarded_request (request_id, session_id, enrolment_id, status, body, decided_at)
                VALUES (?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                outcome.requestID, sessionID, enrolmentID, outcome.status ?? 0,
                String(decoding: try JSONEncoder().encode(outcome), as: UTF8.self), outcome.decidedAt ?? Date(),
            ])
    }

    static func fetch(_ requestID: String, enrolmentID: String, _ db: Database) throws -> ForwardedOutcome? {
        guard
            let body = try String.fetchOne(
                db, sql: "SELECT body FROM forwarded_request WHERE request_id = ? AND enrolment_id = ?",
                arguments: [requestID, enrolmentID])
        else { return nil }
        let decoder = JSONDecoder()
        return try decoder.decode(ForwardedOutcome.self, from: Data(body.utf8))
    }
}
