import Foundation
import GRDB
import ServiceSupport
import Synchronization
import Testing

/// Concurrent writes share transactions, and each keeps the promise of a transaction of its own.
@Suite("Group commit")
struct GroupCommitTests {
    struct Refused: Error {}

    /// True for the first caller only: that write holds the writer a moment, so that the others queue behind it.
    final class First: Sendable {
        private let taken = Atomic<Bool>(false)
        func take() -> Bool { !taken.exchange(true, ordering: .relaxed) }
    }

    static func database() throws -> DatabasePool {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("group-\(UUID().uuidString).sqlite")
            .path
        var configuration = Configuration()
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA foreign_keys = ON") }
        let pool = try DatabasePool(path: path, configuration: configuration)
        try pool.write { db in
            try db.execute(
                sql: """
                    CREATE TABLE parent (id INTEGER PRIMARY KEY);
                    CREATE TABLE report (id INTEGER PRIMARY KEY, parent INTEGER
                        REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED);
                    INSERT INTO parent (id) VALUES (1);
                    """)
        }
        return pool
    }

    static func count(_ pool: DatabasePool) throws -> Int {
        try pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM report") ?? -1 }
    }

    @Test("200 concurrent writes all commit, in a few transactions rather than 200")
    func coalesces() async throws {
        let pool = try Self.database()
        let commits = GroupCommit(pool)
        let first = First()
        try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<200 {
                group.addTask {
                    try await commits.write { db in
                        if first.take() { Thread.sleep(forTimeInterval: 0.2) }
                        try db.execute(sql: "INSERT INTO report (id, parent) VALUES (?, 1)", arguments: [index])
                        return index
                    }
                }
            }
            var answered = Set<Int>()
            for try await index in group { answered.insert(index) }
            #expect(answered == Set(0..<200))
        }
        #expect(try Self.count(pool) == 200)
        #expect(commits.transactionCount <= 4, "\(commits.transactionCount) transactions for 200 writes")
    }

    @Test("a write that throws is rolled back alone; the rest of its batch commits")
    func failureIsIsolated() async throws {
        let pool = try Self.database()
        let commits = GroupCommit(pool)
        let first = First()
        let outcomes = try await withThrowingTaskGroup(of: (Int, Bool).self) { group in
            for index in 0..<20 {
                group.addTask {
                    do {
                        try await commits.write { db in
                            if first.take() { Thread.sleep(forTimeInterval: 0.1) }
                            try db.execute(sql: "INSERT INTO report (id, parent) VALUES (?, 1)", arguments: [index])
                            if index % 5 == 0 { throw Refused() }
                        }
                        return (index, true)
                    } catch is Refused {
                        return (index, false)
                    }
                }
            }
            var outcomes: [Int: Bool] = [:]
            for try await (index, ok) in group { outcomes[index] = ok }
            return outcomes
        }
        #expect(outcomes.filter { !$0.value }.keys.sorted() == [0, 5, 10, 15])
        let stored = try await pool.read { db in try Int.fetchAll(db, sql: "SELECT id FROM report ORDER BY id") }
        #expect(stored == (0..<20).filter { $0 % 5 != 0 })
        #expect(commits.transactionCount < 20)
    }

    @Test("when the shared commit fails, every write of the batch fails and none is stored")
    func failedCommitFailsTheBatch() async throws {
        let pool = try Self.database()
        let commits = GroupCommit(pool)
        let first = First()
        let failures = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<10 {
                group.addTask {
                    do {
                        try await commits.write { db in
                            if first.take() { Thread.sleep(forTimeInterval: 0.1) }
                            // A deferred foreign key: the savepoint accepts it, the commit refuses it.
                            try db.execute(
                                sql: "INSERT INTO report (id, parent) VALUES (?, ?)",
                                arguments: [index, index == 3 ? 99 : 1])
                        }
                        return false
                    } catch {
                        return true
                    }
                }
            }
            var failed = 0
            for try await didFail in group where didFail { failed += 1 }
            return failed
        }
        #expect(failures >= 1)
        let stored = try Self.count(pool)
        #expect(stored + failures == 10, "every write is either stored or told it failed")
        let three = try await pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM report WHERE id = 3") }
        #expect(three == 0)
    }
}
