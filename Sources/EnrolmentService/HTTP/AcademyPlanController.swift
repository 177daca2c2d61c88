import Contracts
import Foundation
import Hummingbird
import ServiceSupport

/// The academy's training plan for the secondary (PAF, issue 16), in versions like a district's plan, and where each
/// of its modules stands: for the academy's managers (national managers: every academy).
struct AcademyPlanController {
    let application: EnrolmentApplication

    func addRoutes(to router: some RouterMethods<ServiceRequestContext>) {
        let group = router.group().add(middleware: NoQueryParameters())
        PlanRoutes<AcademyPlan>(
            application: application, path: "/academies/{academy}/paf/{schoolYear}",
            what: "its training plan (PAF)",
            scope: { context, action in
                let (academy, year, actor) = try Self.scope(context, to: action)
                return (.init(academy: academy, district: nil, schoolYear: year), actor)
            },
            parse: { try AcademyPlanFile.parse($0).lines }, fileName: "academy training plan file"
        ).add(to: group)
        group.get("/academies/{academy}/paf/{schoolYear}/modules") { request, context in
            let (academy, year, _) = try Self.scope(context, to: "read where its training plan (PAF) stands")
            let report = try await application.academyPlanReport(academy: academy, schoolYear: year)
            return try Reply.json(report, request: request, context: context)
        }
    }

    /// The path's academy and school year, once the caller is known to manage the academy.
    static func scope(
        _ context: ServiceRequestContext, to action: String
    ) throws -> (academy: String, year: SchoolYear, actor: String) {
        let academy = try PathIdentifier.require("academy", naming: "Academy", in: context)
        guard let year = SchoolYear(try context.parameters.require("schoolYear")) else {
            throw Problem(
                .notFound, kind: "not-found", title: "School year not found",
                detail: "a school year is written like 2026-2027")
        }
        let caller = try context.requireCaller()
        try EnrolmentScope(caller).requireManager(of: academy, to: action)
        return (academy, year, caller.subject)
    }
}
