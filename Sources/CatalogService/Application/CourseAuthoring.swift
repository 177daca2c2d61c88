import Contracts
import Foundation
import Logging

/// The catalogue's commands: what designers do to courses, each one store transaction followed by
/// an update of the in-memory catalogue when the published offer changed.
///
/// Events are written to the outbox inside the store transaction; `eventsWritten` then wakes the
/// outbox relay, so the broker is never in the request path.
public struct CourseAuthoring: Sendable {
    public let store: CatalogStore
    public let catalogue: PublishedCatalogue
    let eventsWritten: @Sendable () -> Void
    let clock: @Sendable () -> Date
    let newID: @Sendable () -> String

    public init(
        store: CatalogStore, catalogue: PublishedCatalogue, eventsWritten: @escaping @Sendable () -> Void = {},
        clock: @escaping @Sendable () -> Date = { Date() },
        newID: @escaping @Sendable () -> String = {
            "crs-" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12)
        }
    ) {
        self.store = store
        self.catalogue = catalogue
        self.eventsWritten = eventsWritten
        self.clock = clock
        self.newID = newID
    }

    /// Rebuilds the in-memory catalogue from the store (at start-up).
    public func loadCatalogue() async throws {
        catalogue.load(try await store.publishedCourses())
    }

    // MARK: - Drafts

    /// Creates a course whose first draft is `draft`, in `scope` (the draft's origin must be in it);
    /// `id` is generated unless given (seed data).
    public func create(_ draft: CourseDraft, id: String? = nil, in scope: AuthoringScope) async throws -> Course {
        let course = try Course.create(id: id ?? newID(), draft: draft, at: clock())
        try scope.check(course)
        try await store.insert(course)
        return course
    }

    /// The course with this id, for a designer of `scope`: its draft is theirs to read only when the course is.
    public func course(_ id: String, in scope: AuthoringScope) async throws -> Course {
        guard let course = try await store.course(id) else { throw CatalogStoreError.courseNotFound(id) }
        try scope.check(course)
        return course
    }

    /// The drafts of the caller's scope (courses with pending changes), most recently changed first.
    public func drafts(in scope: AuthoringScope, limit: Int = 200) async throws -> [Course] {
        try await store.drafts(limit: limit) { course in (try? scope.check(course)) != nil }
    }

    /// Applies an edit to a course's draft (or any other change) in one transaction, when the course
    /// is in `scope` before and after the change.
    ///
    /// `expectedRevision` is the caller's If-Match; nil skips the check.
    public func change<Result: Sendable>(
        _ id: String, in scope: AuthoringScope, expectedRevision: Int?,
        _ change: @escaping @Sendable (inout Course, Date) throws -> Result
    ) async throws -> (course: Course, result: Result) {
        let now = clock()
        return try await store.modify(id, expectedRevision: expectedRevision, authorise: scope.check) { course in
            try change(&course, now)
        }
    }

    // MARK: - Publication and archival

    /// Publishes the draft as the next version, writing its event to the outbox in the same transaction.
    ///
    /// `publisher`, the publishing designer's pseudonymous id, becomes the version's `owner.designerID`.
    public func publish(
        _ id: String, in scope: AuthoringScope, by publisher: String?, expectedRevision: Int? = nil
    ) async throws -> (course: Course, version: CourseVersion) {
        let now = clock()
        let (course, version) = try await store.modify(id, expectedRevision: expectedRevision, authorise: scope.check) {
            course in try course.publish(at: now, by: publisher)
        }
        try await offerChanged(course)
        return (course, version)
    }

    /// Records a correction of a published version's completion rules as its next rules revision, writing
    /// `catalog.course.rules-revised.v1` to the outbox in the same transaction. The caller's scope must cover the
    /// course; an archived course's versions may still be corrected (sessions may still run them).
    public func reviseRules(
        _ id: String, version: Int, correction: RulesCorrection, in scope: AuthoringScope, by designer: String?,
        expectedRevision: Int? = nil
    ) async throws -> CourseRulesRevised {
        let now = clock()
        let revised = try await store.reviseRules(of: id, version: version) { course, published, revisions in
            try scope.check(course)
            let current = RulesCorrection.inForce(of: published, revisions: revisions).rulesRevision
            if let expectedRevision, expectedRevision != current {
                throw CatalogStoreError.revisionMismatch(current: current)
            }
            return try correction.revision(of: published, after: revisions, by: designer, at: now)
        }
        eventsWritten()
        return revised
    }

    /// Archives the course, writing `catalog.course.archived.v1` to the outbox in the same transaction.
    public func archive(
        _ id: String, in scope: AuthoringScope, reason: String?, expectedRevision: Int? = nil
    )
        async throws -> Course
    {
        let now = clock()
        let (course, _) = try await store.modify(id, expectedRevision: expectedRevision, authorise: scope.check) {
            course in try course.archive(at: now, reason: reason)
        }
        try await offerChanged(course)
        return course
    }

    /// Derives a local course ("contextualisation") from a published version of `sourceID`
    /// (its latest when `version` is nil). The source may be of any origin; `origin` must be in `scope`.
    public func derive(
        from sourceID: String, version: Int?, origin: CourseOrigin, owner: CourseOwner, title: String?,
        in scope: AuthoringScope
    ) async throws -> Course {
        let (id, now) = (newID(), clock())
        return try await store.derive(from: sourceID, version: version) { source in
            let course = try Course.derive(from: source, id: id, origin: origin, owner: owner, title: title, at: now)
            try scope.check(course)
            return course
        }
    }

    private func offerChanged(_ course: Course) async throws {
        eventsWritten()
        let versions = try await store.versions(of: course.id) ?? []
        catalogue.apply(course, versions: versions)
    }
}
