import Contracts
import Foundation
import GRDB
import Synchronization

/// The published course versions of one store, decoded once and kept in memory.
///
/// Every progress report needs its session's activity plan; decoding it from JSON on each report was a
/// noticeable share of the write path. A published version's content never changes (its row is inserted once,
/// `INSERT OR IGNORE`); only its completion rules may, by a designer's correction, which ``remember(_:)`` puts in
/// memory in the transaction that stores it. A plan read from the store replaces the one in memory only if its
/// rules are as recent (a read that began before the correction committed cannot bring the old rules back); a
/// version not received yet is not cached, and is read again next time.
final class CoursePlans: Sendable {
    private let decoded = Mutex<[CourseVersionRef: CourseVersionRow]>([:])

    /// The plan of `ref` if it has been read already.
    func cached(_ ref: CourseVersionRef) -> CourseVersionRow? { decoded.withLock { $0[ref] } }

    /// The plan of `ref`, from memory or from the store.
    func plan(_ ref: CourseVersionRef, _ db: Database) throws -> CourseVersionRow? {
        if let known = cached(ref) { return known }
        guard let row = try CourseVersionRow.fetch(ref, db) else { return nil }
        remember(row)
        return row
    }

    /// Keeps `row` unless the plan in memory has more recent rules.
    func remember(_ row: CourseVersionRow) {
        decoded.withLock { plans in
            if let known = plans[row.ref], known.rulesRevision > row.rulesRevision { return }
            plans[row.ref] = row
        }
    }
}
