import Contracts
import Foundation
import GRDB
import Synchronization

/// The published course versions of one store, decoded once and kept in memory.
///
/// Every progress report needs its session's activity plan; decoding it from JSON on each report was a
/// noticeable share of the write path. A published version never changes (its row is inserted once, `INSERT
/// OR IGNORE`), so a plan read once is the plan for good; a version not received yet is not cached, and is
/// read again next time.
final class CoursePlans: Sendable {
    private let decoded = Mutex<[CourseVersionRef: CourseVersionRow]>([:])

    /// The plan of `ref` if it has been read already.
    func cached(_ ref: CourseVersionRef) -> CourseVersionRow? { decoded.withLock { $0[ref] } }

    /// The plan of `ref`, from memory or from the store.
    func plan(_ ref: CourseVersionRef, _ db: Database) throws -> CourseVersionRow? {
        if let known = cached(ref) { return known }
        guard let row = try CourseVersionRow.fetch(ref, db) else { return nil }
        decoded.withLock { $0[ref] = row }
        return row
    }
}
