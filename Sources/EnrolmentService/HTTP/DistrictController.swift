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
        group.get("/academies/{academy}/districts/{district}/coverage/{schoolYear}") { request, context in
            let (academy, district, year, _) = try Self.scope(context, to: "read its districts' coverage")
            let coverage = try await application.coverage(academy: academy, district: district, schoolYear: year)
            return try Reply.json(coverage, request: request, context: context)
        }
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

extension NeedsFileRejected: ProblemConvertible {
    /// Every bad line (line, field, problem): nothing of the file was stored.
    public var problem: Problem {
        CSVFile.rejected(errors, count: count, title: "The needs file is not valid", consequence: "nothing was stored")
    }
}
