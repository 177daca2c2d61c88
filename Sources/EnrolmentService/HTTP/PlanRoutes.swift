import Contracts
import Foundation
import Hummingbird
import ServiceSupport

/// A plan version as the API shows it carries its revision: the `ETag` of its answers.
protocol RevisedPlanVersion {
    var revision: Int { get }
}

extension TrainingPlanVersion: RevisedPlanVersion {}
extension AcademyPlanVersion: RevisedPlanVersion {}

/// The routes of a plan in versions under `path` (a district's plan, the academy's PAF): the list, one version, the
/// draft written from a CSV file (`If-Match` honoured), its publication, the designations of a published version.
struct PlanRoutes<Kind: PlanKind>: Sendable where Kind.Version: RevisedPlanVersion {
    let application: EnrolmentApplication
    let path: String
    /// "its districts' training plans", "its training plan (PAF)": said in a refusal.
    let what: String
    /// The path's plan and the caller's subject, once the caller may act on it.
    let scope: @Sendable (ServiceRequestContext, String) throws -> (EnrolmentApplication.PlanKey, actor: String)
    let parse: @Sendable (String) throws -> [Kind.Line]
    let fileName: String

    func add(to group: some RouterMethods<ServiceRequestContext>) {
        group.get(RouterPath(path)) { request, context in
            let (key, _) = try scope(context, "read \(what)")
            let versions = try await application.plans(Kind.self, key)
            return try Reply.json(Versions(versions: versions), request: request, context: context)
        }
        group.get(RouterPath(path + "/versions/{version}")) { request, context in
            let (key, _) = try scope(context, "read \(what)")
            let plan = try await application.plan(Kind.self, key, version: try Self.version(context))
            return try Self.reply(plan, request: request, context: context)
        }
        group.put(RouterPath(path + "/versions/{version}")) { request, context in
            let (key, actor) = try scope(context, "write \(what)")
            let version = try Self.version(context)
            let lines = try parse(try await CSVFile.text(of: request, naming: fileName))
            let plan = try await application.writePlan(
                Kind.self, lines, key, version: version, expectedRevision: EntityTag.expectedRevision(request),
                actor: actor)
            return try Self.reply(plan, request: request, context: context)
        }
        group.post(RouterPath(path + "/versions/{version}/publish")) { request, context in
            let (key, actor) = try scope(context, "publish \(what)")
            let plan = try await application.publishPlan(
                Kind.self, key, version: try Self.version(context),
                expectedRevision: EntityTag.expectedRevision(request), actor: actor)
            return try Self.reply(plan, request: request, context: context)
        }
        group.post(RouterPath(path + "/versions/{version}/designations")) { request, context in
            let (key, actor) = try scope(context, "designate the teachers of \(what)")
            let outcome = try await application.designate(
                Kind.self, fromPlan: key, version: try Self.version(context), actor: actor)
            return try Reply.json(outcome, request: request, context: context)
        }
    }

    struct Versions: Encodable, Sendable {
        let versions: [Kind.Version]
    }

    private static func reply(_ plan: Kind.Version, request: Request, context: ServiceRequestContext) throws -> Response
    {
        var response = try Reply.json(plan, request: request, context: context)
        response.headers[.eTag] = EntityTag.format(plan.revision)
        return response
    }

    private static func version(_ context: ServiceRequestContext) throws -> Int {
        guard let version = Int(try context.parameters.require("version")), (1...10_000).contains(version) else {
            throw Problem(
                .notFound, kind: "not-found", title: "Training plan version not found",
                detail: "a training plan version is a number from 1")
        }
        return version
    }
}
