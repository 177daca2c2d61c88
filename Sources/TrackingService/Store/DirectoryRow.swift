import GRDB

/// Where an enrolment is tracked: its session (hence its partition) and participant. Every partition's file keeps
/// every enrolment's row (the router sends each window's placements to every partition as a
/// ``DirectoryPlacements`` batch), so that any tracking instance can tell where a report goes and whose it may be
/// without asking another.
struct DirectoryRow: Sendable, Equatable {
    var enrolmentID: String
    var sessionID: String
    var participantID: String

    /// Records a placement; an enrolment placed already keeps its first session (it belongs to one for good).
    func insert(_ db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT OR IGNORE INTO enrolment_directory (enrolment_id, session_id, participant_id) VALUES (?, ?, ?)
                """
        ).execute(arguments: [enrolmentID, sessionID, participantID])
    }

    static func fetch(_ enrolmentID: String, _ db: Database) throws -> DirectoryRow? {
        try Row.fetchOne(
            db.cachedStatement(
                sql: "SELECT session_id, participant_id FROM enrolment_directory WHERE enrolment_id = ?"),
            arguments: [enrolmentID]
        ).map {
            DirectoryRow(enrolmentID: enrolmentID, sessionID: $0["session_id"], participantID: $0["participant_id"])
        }
    }
}
