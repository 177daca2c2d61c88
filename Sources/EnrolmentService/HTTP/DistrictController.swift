import Contracts
import Foundation
import Hummingbird
import ServiceSupport

/// A district's needs diagnosis and its coverage of the primary obligation (issue 16, first slice): for the
/// district's inspectors (their token names the district, in their academy) and the academy's managers
/// (national managers: every academy).
struct DistrictController {
    let application: EnrolmentApplication

    func addRoutes(to router: some RouterMethods<ServiceRequestContext>) {
        router.get("/academies/{academy}/districts/{district}/coverage/{schoolYear}") { request, context in
            let query = try QueryParameters(request, allowed: ["school", "cycle", "theme", "short"])
            let label = { (name: String, length: Int) in
                try query.parse(name, expected: "1 to \(length) characters") {
                    (1...length).contains($0.count) ? $0 : nil
                }
            }
            let filter = EnrolmentApplication.CoverageFilter(
                school: try label("school", 64), cycle: try label("cycle", 16), theme: try label("theme", 200),
                short: try query.parse("short", expected: "true or false") { ["true": true, "false": false][$0] })
            let (academy, district, year, _) = try Self.scope(context, to: "read its districts' coverage")
            let coverage = try await application.coverage(
                academy: academy, district: district, schoolYear: year, filter: filter)
            return try Reply.json(coverage, request: request, context: context)
        }
        let group = router.group().add(middleware: NoQueryParameters())
        group.put("/academies/{academy}/districts/{district}/needs/{schoolYear}") { request, context in
            let (academy, district, year, actor) = try Self.scope(context, to: "draw up its districts' needs")
            let diagnosis = try NeedsDiagnosis.parse(try await CSVFile.text(of: request, naming: "needs file"))
            let stored = try await application.replaceNeeds(
                diagnosis, academy: academy, district: district, schoolYear: year, actor: actor)
            return try Reply.json(stored, request: request, context: context)
        }
        group.get("/academies/{academy}/districts/{district}/needs/{schoolYear}") { request, context in
            let (academy, district, year, _) = try Self.scope(context, to: "read its districts' needs")
            let stored = try await application.needs(academy: academy, district: district, schoolYear: year)
            return try Reply.json(stored, request: request, context: context)
        }

        addPlanRoutes(to: group)
    }

    /// The training plan of a district's year, in versions: a draft written as a whole from a CSV file, published
    /// (then never changed), superseded by the next version; its teachers designated into its sessions.
    private func addPlanRoutes(to group: some RouterMethods<ServiceRequestContext>) {
        PlanRoutes<DistrictPlan>(
            application: application, path: "/academies/{academy}/districts/{district}/plans/{schoolYear}",
            what: "its districts' training plans",
            scope: { context, action in
                let (academy, district, year, actor) = try Self.scope(context, to: action)
                return (.init(academy: academy, district: district, schoolYear: year), actor)
            },
            parse: { try TrainingPlanFile.parse($0).lines }, fileName: "training plan file"
        ).add(to: group)
    }

    /// The path's academy, district and school year, once the caller is known to manage the academy.
    static func scope(
        _ context: ServiceRequestContext, to action: String
    ) throws -> (academy: String, district: String, year: SchoolYear, actor: String) {
        let academy = try PathIdentifier.require("academy", naming: "Academy", in: context)
        let raw = try context.parameters.require("district")
        let district = raw.removingPercentEncoding ?? raw
        guard (1...100).contains(district.count), !district.contains(where: \.isNewline) else {
            throw Problem(
                .notFound, kind: "not-found", title: "District not found",
                detail: "a district is named by 1 to 100 characters")
        }
        guard let year = SchoolYear(try context.parameters.require("schoolYear")) else {
            throw Problem(
                .notFound, kind: "not-found", title: "School year not found",
                detail: "a school year is written like 2026-2027")
        }
        let caller = try context.requireCaller()
        try EnrolmentScope(caller).requireDistrict(district, of: academy, to: action)
        return (academy, district, year, caller.subject)
    }
}

extension DistrictFileRejected: ProblemConvertible {
    /// Every bad line (line, field, problem): nothing of the file was stored.
    public var problem: Problem {
        CSVFile.rejected(
            errors, count: count, title: "The \(file.rawValue) is not valid", consequence: "nothing was stored")
    }
}

extension TrainingPlanConflict: ProblemConvertible {
    public var problem: Problem {
        switch self {
        case .published(let version):
            .conflict(
                "version \(version) of the training plan is published: a published plan never changes; write the next "
                    + "version, which supersedes it once published",
                currentState: "published")
        case .notNext(let version, let next):
            .conflict("version \(version) cannot be drafted: the next version of this training plan is \(next)")
        case .noDiagnosis(let schoolYear):
            .conflict(
                "the district has no needs diagnosis for \(schoolYear): a plan answers the diagnosed needs, put them first"
            )
        case .notPublished(let version):
            .conflict(
                "version \(version) of the training plan is a draft: teachers are designated from a published plan",
                currentState: "draft")
        case .revisionMismatch(let current):
            .preconditionFailed(current: EntityTag.format(current))
        case .superseded(let version, let later):
            .conflict(
                "version \(version) of the training plan is superseded by version \(later): act on the latest one",
                currentState: "superseded")
        }
    }
}
