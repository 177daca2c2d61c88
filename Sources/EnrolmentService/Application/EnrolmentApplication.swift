import Contracts
import Foundation
import GRDB

/// The enrolment service's use cases, the layer the HTTP controllers and the event handlers call: each one
/// loads what it needs, lets the domain (``Session``, ``EnrolmentStateMachine``) decide, and writes the outcome —
/// state, history, outbox events — in one transaction of the ``EnrolmentStore``.
///
/// The use cases live in this folder by subject: `Sessions.swift`, `Enrolments.swift`, `TrainingRecords.swift`,
/// `CourseVersions.swift` (the catalogue's read model). The store's own reads and writes, composed inside those
/// transactions, are in `Store/`.
struct EnrolmentApplication: Sendable {
    let store: EnrolmentStore

    /// The history of a session or an enrolment, oldest first.
    func history(of aggregate: String, id: String) async throws -> [Transition] {
        try await store.read { db in
            try Transition.filter(Transition.Columns.aggregate == aggregate && Transition.Columns.aggregateID == id)
                .order(Transition.Columns.seq).fetchAll(db)
        }
    }
}
