import Contracts
import Foundation
import HTTPTypes
import Hummingbird
import ServiceSupport

/// The designers' routes: drafts, activities, publication, archival and derivation.
///
/// Every response carries the course's `ETag`; every change honours `If-Match` (see ``EntityTag``).
/// The access rules let designers in; each handler then acts in the caller's ``AuthoringScope``
/// (national without an academy claim, that academy's offer with one), which refuses a course of
/// another origin with 403 before anything is read out or changed.
struct CourseAuthoringController: Sendable {
    let authoring: CourseAuthoring

    func addRoutes(to router: some RouterMethods<ServiceRequestContext>) {
        // No authoring route takes a query parameter.
        let group = router.group().add(middleware: NoQueryParameters())
        group.post("courses", use: create)
        group.get("drafts", use: drafts)
        group.get("courses/{id}/draft", use: draft)
        group.put("courses/{id}/draft", use: replaceDraft)
        group.post("courses/{id}/draft/activities", use: addActivity)
        group.put("courses/{id}/draft/activities/{activityID}", use: replaceActivity)
        group.delete("courses/{id}/draft/activities/{activityID}", use: removeActivity)
        group.put("courses/{id}/draft/activity-order", use: reorderActivities)
        group.post("courses/{id}/publish", use: publish)
        group.post("courses/{id}/archive", use: archive)
        group.post("courses/{id}/derive", use: derive)
        group.put("courses/{id}/versions/{version}/rules", use: reviseRules)
    }

    // MARK: - Drafts

    @Sendable func create(_ request: Request, context: ServiceRequestContext) async throws -> JSONResponse<DraftView> {
        let content = try await JSONBody.decode(CourseDraft.self, from: request)
        let course = try await authoring.create(content, in: try Self.scope(context))
        return created(course, location: "/courses/\(course.id)")
    }

    /// The drafts of the caller's offer (national, or their academy's): the designer's desk.
    @Sendable func drafts(_ request: Request, context: ServiceRequestContext) async throws -> JSONResponse<DraftList> {
        let drafts = try await authoring.drafts(in: try Self.scope(context))
        return JSONResponse(DraftList(drafts: drafts.map(DraftView.init)))
    }

    struct DraftList: Codable, Sendable {
        var drafts: [DraftView]
    }

    @Sendable func draft(_ request: Request, context: ServiceRequestContext) async throws -> JSONResponse<DraftView> {
        let course = try await authoring.course(try Self.courseID(context), in: try Self.scope(context))
        return view(course)
    }

    @Sendable func replaceDraft(
        _ request: Request, context: ServiceRequestContext
    ) async throws -> JSONResponse<DraftView> {
        let id = try Self.courseID(context)
        let content = try await JSONBody.decode(CourseDraft.self, from: request)
        return try await edit(id, request, context) { course, now in try course.replaceDraft(with: content, at: now) }
    }

    // MARK: - Activities

    @Sendable func addActivity(
        _ request: Request, context: ServiceRequestContext
    ) async throws -> JSONResponse<DraftView> {
        let id = try Self.courseID(context)
        let body = try await JSONBody.decode(AuthoringRequests.NewActivity.self, from: request)
        let (course, activity) = try await authoring.change(
            id, in: try Self.scope(context), expectedRevision: EntityTag.expectedRevision(request)
        ) { course, now in try course.addActivity(body.activity, at: body.position, date: now) }
        return created(course, location: "/courses/\(id)/draft/activities/\(activity.id)")
    }

    @Sendable func replaceActivity(
        _ request: Request, context: ServiceRequestContext
    ) async throws -> JSONResponse<DraftView> {
        let (id, activityID) = (try Self.courseID(context), try Self.activityID(context))
        let activity = try await JSONBody.decode(Activity.self, from: request)
        return try await edit(id, request, context) { course, now in
            try course.replaceActivity(activityID, with: activity, at: now)
        }
    }

    @Sendable func removeActivity(
        _ request: Request, context: ServiceRequestContext
    ) async throws -> JSONResponse<DraftView> {
        let (id, activityID) = (try Self.courseID(context), try Self.activityID(context))
        return try await edit(id, request, context) { course, now in try course.removeActivity(activityID, at: now) }
    }

    @Sendable func reorderActivities(
        _ request: Request, context: ServiceRequestContext
    ) async throws
        -> JSONResponse<DraftView>
    {
        let id = try Self.courseID(context)
        let order = try await JSONBody.decode(AuthoringRequests.ActivityOrder.self, from: request)
        return try await edit(id, request, context) { course, now in
            try course.reorderActivities(order.activityIDs, at: now)
        }
    }

    // MARK: - Life cycle

    @Sendable func publish(
        _ request: Request, context: ServiceRequestContext
    ) async throws -> JSONResponse<CoursePublished> {
        let id = try Self.courseID(context)
        let caller = try context.requireCaller()
        let (course, version) = try await authoring.publish(
            id, in: Self.scope(caller), by: caller.subject, expectedRevision: EntityTag.expectedRevision(request))
        var headers = EntityTag.headers(course.revision)
        headers[.location] = "/courses/\(id)/versions/\(version.number)"
        return JSONResponse(version.event, status: .created, headers: headers)
    }

    @Sendable func archive(_ request: Request, context: ServiceRequestContext) async throws -> JSONResponse<CourseView>
    {
        let id = try Self.courseID(context)
        let body = try await Self.optionalBody(AuthoringRequests.Archive.self, from: request)
        let course = try await authoring.archive(
            id, in: try Self.scope(context), reason: body?.reason, expectedRevision: EntityTag.expectedRevision(request)
        )
        let snapshot = authoring.catalogue.snapshot
        let view =
            snapshot.entries[id].map { CourseView(entry: $0, snapshot: snapshot) }
            ?? CourseView(unpublished: course, snapshot: snapshot)
        return JSONResponse(view, headers: EntityTag.headers(course.revision))
    }

    @Sendable func derive(_ request: Request, context: ServiceRequestContext) async throws -> JSONResponse<DraftView> {
        let id = try Self.courseID(context)
        let body = try await JSONBody.decode(AuthoringRequests.Derive.self, from: request)
        let course = try await authoring.derive(
            from: id, version: body.version, origin: body.origin, owner: body.owner, title: body.title,
            in: try Self.scope(context))
        return created(course, location: "/courses/\(course.id)")
    }

    // MARK: - Helpers

    private func edit(
        _ id: String, _ request: Request, _ context: ServiceRequestContext,
        _ change: @escaping @Sendable (inout Course, Date) throws -> Void
    ) async throws -> JSONResponse<DraftView> {
        let (course, _) = try await authoring.change(
            id, in: try Self.scope(context), expectedRevision: EntityTag.expectedRevision(request), change)
        return view(course)
    }

    /// `PUT /courses/{id}/versions/{version}/rules`: the next correction of a published version's completion rules
    /// (the whole rule set and a reason); `If-Match` names the rules revision it corrects (optional).
    @Sendable func reviseRules(
        _ request: Request, context: ServiceRequestContext
    ) async throws -> JSONResponse<RulesView> {
        let id = try Self.courseID(context)
        let number = try RulesView.versionNumber(context)
        let caller = try context.requireCaller()
        let correction = try await JSONBody.decode(RulesCorrection.self, from: request)
        let revised = try await authoring.reviseRules(
            id, version: number, correction: correction, in: Self.scope(caller), by: caller.subject,
            expectedRevision: EntityTag.expectedRevision(request))
        guard let (published, revisions) = try await authoring.store.rulesRevisions(of: id, version: number) else {
            throw Problem.notFound("Version", id: "\(id)/versions/\(number)")
        }
        return JSONResponse(
            RulesView(published, revisions: revisions), headers: EntityTag.headers(revised.rulesRevision))
    }

    /// The path's `{id}`, checked before the body is read (see ``PathIdentifier``).
    static func courseID(_ context: ServiceRequestContext) throws -> String {
        try PathIdentifier.require(naming: "Course", in: context)
    }

    /// The path's `{activityID}`.
    static func activityID(_ context: ServiceRequestContext) throws -> String {
        try PathIdentifier.require("activityID", naming: "Activity", in: context)
    }

    /// The offer the calling designer authors: the national offer without an academy claim, that
    /// academy's with one.
    static func scope(_ caller: Caller) -> AuthoringScope {
        AuthoringScope(academy: caller.academy)
    }

    static func scope(_ context: ServiceRequestContext) throws -> AuthoringScope {
        scope(try context.requireCaller())
    }

    private func view(_ course: Course) -> JSONResponse<DraftView> {
        JSONResponse(DraftView(course), headers: EntityTag.headers(course.revision))
    }

    private func created(_ course: Course, location: String) -> JSONResponse<DraftView> {
        var headers = EntityTag.headers(course.revision)
        headers[.location] = location
        return JSONResponse(DraftView(course), status: .created, headers: headers)
    }

    /// A JSON body that may be absent: nil when empty, otherwise as strict as ``JSONBody``.
    static func optionalBody<T: Decodable>(_ type: T.Type, from request: Request) async throws -> T? {
        let buffer = try await request.body.collect(upTo: JSONBody.defaultLimit)
        guard buffer.readableBytes > 0 else { return nil }
        try JSONBody.requireJSONContentType(request)
        return try JSONBody.decode(type, from: Data(buffer.readableBytesView))
    }
}
