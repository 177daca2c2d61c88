import Contracts
import Foundation
import GRDB
import Messaging

// Inside a transaction: the reads and writes the use cases of EnrolmentApplication compose.

extension EnrolmentStore {
    /// The teacher's level: that of their latest completed training of the year, or else of the latest
    /// session they hold or held a seat in; nil when the service has never seen them.
    static func schoolLevel(of teacher: String, trainings: [CompletedTraining], in db: Database) throws -> SchoolLevel?
    {
        if let latest = trainings.max(by: { $0.completedAt < $1.completedAt }) { return latest.schoolLevel }
        let level = try String.fetchOne(
            db,
            sql: """
                SELECT s.schoolLevel FROM enrolment e JOIN session s ON s.id = e.sessionID
                WHERE e.participantID = ? AND e.state IN ('approved', 'completed')
                ORDER BY e.updatedAt DESC LIMIT 1
                """, arguments: [teacher])
        return level.flatMap(SchoolLevel.init(rawValue:))
    }
}
