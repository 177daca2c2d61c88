import Contracts
import Foundation
import Hummingbird
import ServiceSupport

/// The public read routes: courses, versions, listing and search, answered from the in-memory
/// ``PublishedCatalogue`` (only full-text ranking on a cache miss, and courses never published,
/// reach the store).
struct CatalogueController: Sendable {
    let authoring: CourseAuthoring
    var catalogue: PublishedCatalogue { authoring.catalogue }

    func addRoutes(to router: some RouterMethods<ServiceRequestContext>) {
        router.get("courses", use: list)
        router.get("search", use: search)
        let single = router.group().add(middleware: NoQueryParameters())
        single.get("courses/{id}", use: course)
        single.get("courses/{id}/versions", use: versions)
        single.get("courses/{id}/versions/{version}", use: version)
        single.get("courses/{id}/versions/{version}/rules", use: rules)
    }

    @Sendable func list(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        try await page(CatalogueQueryParameters.parse(request, allowed: CatalogueQueryParameters.listing))
    }

    @Sendable func search(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        try await page(CatalogueQueryParameters.parse(request, allowed: CatalogueQueryParameters.search))
    }

    /// A listing or search page, from the catalogue's cache of encoded pages when the offer has not changed.
    private func page(_ query: CatalogueQuery) async throws -> Response {
        let snapshot = catalogue.snapshot
        let (store, catalogue) = (authoring.store, catalogue)
        let body = try await catalogue.encodedPage(for: query, generation: snapshot.generation) {
            var ranked: [String]?
            if let text = query.text {
                ranked = try await catalogue.rankedIDs(for: text, generation: snapshot.generation) {
                    try await store.search($0)
                }
            }
            return try EventCoding.encode(CatalogueSearch.run(query, in: snapshot, rankedIDs: ranked))
        }
        return Response(
            status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    @Sendable func course(_ request: Request, context: ServiceRequestContext) async throws -> JSONResponse<CourseView> {
        let id = try PathIdentifier.require(naming: "Course", in: context)
        let snapshot = catalogue.snapshot
        if let entry = snapshot.entries[id] {
            return JSONResponse(CourseView(entry: entry, snapshot: snapshot))
        }
        guard let course = try await authoring.store.course(id) else { throw Problem.notFound("Course", id: id) }
        return JSONResponse(CourseView(unpublished: course, snapshot: snapshot))
    }

    @Sendable func versions(
        _ request: Request, context: ServiceRequestContext
    ) async throws -> JSONResponse<VersionHistory> {
        let id = try PathIdentifier.require(naming: "Course", in: context)
        if let entry = catalogue.snapshot.entries[id] {
            return JSONResponse(VersionHistory(courseID: id, versions: entry.versions))
        }
        guard let versions = try await authoring.store.versions(of: id) else {
            throw Problem.notFound("Course", id: id)
        }
        return JSONResponse(VersionHistory(courseID: id, versions: versions))
    }

    @Sendable func version(
        _ request: Request, context: ServiceRequestContext
    ) async throws -> JSONResponse<CoursePublished> {
        let id = try PathIdentifier.require(naming: "Course", in: context)
        guard let number = Int(try context.parameters.require("version")) else {
            throw Problem(
                .notFound, kind: "not-found", title: "Version not found", detail: "{version} is not a version number")
        }
        guard let version = catalogue.snapshot.entries[id]?.version(number) else {
            throw Problem.notFound("Version", id: "\(id)/versions/\(number)")
        }
        return JSONResponse(version)
    }
}

extension CatalogueController {
    /// `GET /courses/{id}/versions/{version}/rules`: the completion rules in force of a published version and the
    /// corrections that led there.
    @Sendable func rules(_ request: Request, context: ServiceRequestContext) async throws -> JSONResponse<RulesView> {
        let id = try PathIdentifier.require(naming: "Course", in: context)
        let number = try RulesView.versionNumber(context)
        guard let (published, revisions) = try await authoring.store.rulesRevisions(of: id, version: number) else {
            throw Problem.notFound("Version", id: "\(id)/versions/\(number)")
        }
        let view = RulesView(published, revisions: revisions)
        return JSONResponse(view, headers: EntityTag.headers(view.rulesRevision))
    }
}
