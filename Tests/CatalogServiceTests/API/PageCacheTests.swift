import Foundation
import Synchronization
import Testing

@testable import CatalogService

@Suite("The catalogue keeps listing and search pages encoded until the offer changes")
struct PageCacheTests {
    /// Counts the builds of pages.
    final class Builds: Sendable {
        let count = Mutex(0)

        func build(_ body: String) -> @Sendable () async throws -> Data {
            { [self] in
                count.withLock { $0 += 1 }
                try await Task.sleep(for: .milliseconds(20))
                return Data(body.utf8)
            }
        }
    }

    @Test("requests missing the same page at once share one build, and later ones get it from the cache")
    func concurrentMissesShareOneBuild() async throws {
        // Given an empty cache
        let catalogue = PublishedCatalogue()
        let builds = Builds()
        let query = CatalogueQuery(text: "lecture", schoolLevel: .primary)

        // When 32 requests ask for the same page at once, then one more
        let bodies = try await withThrowingTaskGroup(of: Data.self) { group in
            for _ in 0..<32 {
                group.addTask {
                    try await catalogue.encodedPage(for: query, generation: 1, build: builds.build("page 1"))
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let later = try await catalogue.encodedPage(for: query, generation: 1, build: builds.build("other"))

        // Then the page was built once and every request got it
        #expect(builds.count.withLock { $0 } == 1)
        #expect(Set(bodies) == [Data("page 1".utf8)])
        #expect(later == Data("page 1".utf8))
    }

    @Test("a new generation of the catalogue builds its pages again")
    func aNewGenerationRebuilds() async throws {
        let catalogue = PublishedCatalogue()
        let builds = Builds()
        let query = CatalogueQuery()
        _ = try await catalogue.encodedPage(for: query, generation: 1, build: builds.build("before"))

        let after = try await catalogue.encodedPage(for: query, generation: 2, build: builds.build("after"))

        #expect(after == Data("after".utf8))
        #expect(builds.count.withLock { $0 } == 2)
    }

    @Test("a failed build is not cached: the next request builds again")
    func aFailedBuildIsNotKept() async throws {
        struct Failure: Error {}
        let catalogue = PublishedCatalogue()
        let query = CatalogueQuery(domain: "Français")
        await #expect(throws: Failure.self) {
            try await catalogue.encodedPage(for: query, generation: 1) { throw Failure() }
        }
        let page = try await catalogue.encodedPage(for: query, generation: 1) { Data("ok".utf8) }
        #expect(page == Data("ok".utf8))
    }
}
