import Contracts
import Foundation

/// The seed data set: a few dozen realistic courses of the national and academy offers, in French,
/// used by tests, the embedded demo mode and the benchmarks (`Seed/courses.json`).
public enum CatalogSeed {
    /// One seeded course: a fixed id (so that loading twice adds nothing) and its content.
    public struct Entry: Codable, Sendable {
        public var id: String
        public var course: CourseDraft
    }

    /// The seed courses, as shipped in the module's resources.
    public static func entries() throws -> [Entry] {
        guard let url = Bundle.module.url(forResource: "courses", withExtension: "json", subdirectory: "Seed") else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "Seed/courses.json"])
        }
        return try EventCoding.decode([Entry].self, from: try Data(contentsOf: url))
    }

    /// Creates and publishes every seed course that is not published yet, through the normal domain
    /// path (so the `catalog.course.published.v1` events are written to the outbox). Idempotent:
    /// a course already published is left alone. Returns how many courses it published.
    @discardableResult
    public static func load(into authoring: CourseAuthoring) async throws -> Int {
        var published = 0
        for entry in try entries() {
            let existing = try await authoring.store.course(entry.id)
            if existing?.latestVersion != nil { continue }
            // Each seed course is written as a designer of its own offer would write it.
            let scope = AuthoringScope(academy: entry.course.origin.academy)
            if existing == nil { _ = try await authoring.create(entry.course, id: entry.id, in: scope) }
            _ = try await authoring.publish(entry.id, in: scope, by: nil)
            published += 1
        }
        return published
    }
}
