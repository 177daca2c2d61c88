import Foundation
import Hummingbird
import ServiceSupport

/// The inspector's pages (issue 16): the districts they inspect, and for each the needs diagnosis (imported from a
/// CSV file) and where its teachers stand against the obligation — a table, a chart of who is short by how much,
/// the themes against the district's sessions, and the table as CSV. The academy's managers see them too.
extension Pages {
    struct DistrictsPage: Sendable {
        struct Line: Sendable {
            var name: String
            var href: String
        }
        var districts: [Line]
        var isManager: Bool
        var schoolYear: String
    }

    struct CoveragePage: Sendable {
        struct Row: Sendable {
            var teacher: String
            var school: String
            var cycle: String
            var done: String
            var doneDistance: String
            var planned: String
            var missing: String
            var missingDistance: String
            var short: Bool
            var assigned: String
        }
        struct Theme: Sendable {
            var theme: String
            var domain: String
            var priority: Int
            var teachers: Int
            var seats: Int
            var seatsMissing: Int
            var sessions: Int
        }
        var district: String
        var districtPath: String
        var academy: String
        var schoolYear: String
        var previousYear: String
        var nextYear: String
        var rows: [Row]
        var themes: [Theme]
        var shortCount: Int
        var teacherCount: Int
        var bars: [BarChart.Bar]
        var chartSummary: String
        var hasTeachers: Bool
        var exportHref: String
        var updated: String?
        var plan: PlanSection
        var filter: CoverageFilter
        var filtered: Bool
    }

    /// The coverage page's filters (école, cycle, only the teachers short of the obligation), passed to the API.
    struct CoverageFilter: Sendable {
        var school: String
        var cycle: String
        var onlyShort: Bool

        init(_ query: Form) {
            school = String((query.text("ecole") ?? "").prefix(64))
            cycle = String((query.text("cycle") ?? "").prefix(16))
            onlyShort = query["manquants"] == "1"
        }

        var isEmpty: Bool { school.isEmpty && cycle.isEmpty && !onlyShort }

        /// `?school=…&cycle=…&short=true` for the enrolment API ("" without filters).
        var apiQuery: String {
            var parts: [String] = []
            if !school.isEmpty { parts.append("school=\(school.urlEncoded)") }
            if !cycle.isEmpty { parts.append("cycle=\(cycle.urlEncoded)") }
            if onlyShort { parts.append("short=true") }
            return parts.isEmpty ? "" : "?" + parts.joined(separator: "&")
        }

        /// The same filters for the page's own links (the CSV export).
        var pageQuery: String {
            (school.isEmpty ? "" : "&ecole=\(school.urlEncoded)") + (cycle.isEmpty ? "" : "&cycle=\(cycle.urlEncoded)")
                + (onlyShort ? "&manquants=1" : "")
        }
    }

    /// The district's training plan on its page: the latest version (what it answers, what it leaves unanswered), a
    /// form to write the next draft, and the action the latest version allows (publish a draft, designate a
    /// published plan's teachers).
    struct PlanSection: Sendable {
        struct Answer: Sendable {
            var theme: String
            var sessions: Int
            var teachers: Int
        }
        var status: String?
        var answers: [Answer]
        var hasAnswers: Bool
        var unanswered: String?
        var writeVersion: Int
        var csv: String
        /// The draft to publish and its revision (sent as If-Match), when the latest version is a draft.
        var draft: Draft?
        /// The published version whose teachers may be designated, when the latest version is published.
        var published: Int?

        struct Draft: Sendable {
            var version: Int
            var revision: Int
        }
    }

    func addInspectorPages(to router: Router<BasicRequestContext>) {
        router.get("/circonscriptions") { request, _ in
            try await signedIn(request, [.inspector, .manager]) { visitor, _ in
                let year = Self.schoolYear(Form(request.uri.query ?? "")["annee"])
                let districts = (visitor.caller?.districts ?? []).sorted()
                return try render(
                    "districts", "Circonscriptions", visitor, request,
                    DistrictsPage(
                        districts: districts.map {
                            .init(name: $0, href: "/circonscriptions/\($0.urlEncoded)?annee=\(year)")
                        }, isManager: visitor.has(.manager), schoolYear: year))
            }
        }
        // The managers' form: a district of their academy by name.
        router.get("/circonscription") { request, _ in
            let query = Form(request.uri.query ?? "")
            guard let name = query.text("nom"), (1...100).contains(name.count) else {
                return redirect("/circonscriptions", sessions: sessions)
            }
            return redirect(
                "/circonscriptions/\(name.urlEncoded)?annee=\(Self.schoolYear(query["annee"]))", sessions: sessions)
        }
        router.get("/circonscriptions/{district}") { request, context in
            let district = try Self.district(context)
            return try await signedIn(request, [.inspector, .manager]) { visitor, token in
                let query = Form(request.uri.query ?? "")
                let year = Self.schoolYear(query["annee"])
                let base = try Self.districtAPI(visitor, district)
                let filter = CoverageFilter(query)
                let coverage = try await client.get(
                    .enrolment, "\(base)/coverage/\(year)\(filter.apiQuery)", token: token, as: CoverageAnswer.self)
                let needs = try await client.get(
                    .enrolment, "\(base)/needs/\(year)", token: token, as: NeedsAnswer.self)
                let plans = try await client.get(
                    .enrolment, "\(base)/plans/\(year)", token: token, as: PlanVersionsAnswer.self)
                return try render(
                    "coverage", "Circonscription \(district)", visitor, request,
                    Self.coveragePage(
                        coverage, needs: needs, plan: plans.versions.first, district: district, schoolYear: year,
                        filter: filter))
            }
        }
        router.get("/circonscriptions/{district}/couverture.csv") { request, context in
            let district = try Self.district(context)
            return try await signedIn(request, [.inspector, .manager]) { visitor, token in
                let query = Form(request.uri.query ?? "")
                let year = Self.schoolYear(query["annee"])
                let coverage = try await client.get(
                    .enrolment,
                    "\(try Self.districtAPI(visitor, district))/coverage/\(year)\(CoverageFilter(query).apiQuery)",
                    token: token, as: CoverageAnswer.self)
                var csv =
                    "teacherID,school,cycle,doneMinutes,doneDistanceMinutes,plannedMinutes,plannedDistanceMinutes,missingMinutes,missingDistanceMinutes,short\r\n"
                for row in coverage.teachers {
                    csv +=
                        [
                            row.teacherID, row.school ?? "", row.cycle ?? "", "\(row.doneMinutes)",
                            "\(row.doneDistanceMinutes)", "\(row.plannedMinutes)",
                            "\(row.plannedDistanceMinutes)", "\(row.missingMinutes)", "\(row.missingDistanceMinutes)",
                            row.short ? "true" : "false",
                        ].map(Self.csvField).joined(separator: ",") + "\r\n"
                }
                let file = "couverture-\(district.filter { $0.isLetter || $0.isNumber })-\(year).csv"
                return Response(
                    status: .ok,
                    headers: [
                        .contentType: "text/csv; charset=utf-8",
                        .contentDisposition: "attachment; filename=\"\(file)\"",
                        .cacheControl: "no-store",
                    ], body: .init(byteBuffer: .init(string: csv)))
            }
        }
        router.post("/circonscriptions/{district}/besoins") { request, context in
            let district = try Self.district(context)
            let back = "/circonscriptions/\(district.urlEncoded)"
            return try await formPost(request, back: back, [.inspector, .manager]) { form, visitor, token in
                let year = Self.schoolYear(form["annee"])
                guard let csv = form.text("csv") else {
                    throw InvalidForm(lines: [
                        "Collez le diagnostic ou choisissez un fichier CSV (theme,domain,priority,teacherID,hoursWished)."
                    ])
                }
                let body = try await client.send(
                    .PUT, .enrolment, "\(try Self.districtAPI(visitor, district))/needs/\(year)", token: token,
                    text: csv + "\n", contentType: "text/csv")
                let count = try ServiceClient.decode(NeedsAnswer.self, body, .enrolment).needs.count
                return ("Diagnostic enregistré : \(count) besoin(s).", "\(back)?annee=\(year)")
            }
        }
        addPlanActions(to: router)
    }

    /// The plan's three actions: write the draft of a version, publish it (If-Match: the revision shown), designate
    /// a published version's teachers.
    private func addPlanActions(to router: Router<BasicRequestContext>) {
        router.post("/circonscriptions/{district}/plan") { request, context in
            let district = try Self.district(context)
            return try await formPost(
                request, back: "/circonscriptions/\(district.urlEncoded)", [.inspector, .manager]
            ) {
                form, visitor, token in
                let (year, version) = (Self.schoolYear(form["annee"]), try Self.planVersion(form))
                guard let csv = form.text("csv") else {
                    throw InvalidForm(lines: [
                        "Collez le plan ou choisissez un fichier CSV (theme,sessionID,teacherID)."
                    ])
                }
                let body = try await client.send(
                    .PUT, .enrolment, "\(try Self.districtAPI(visitor, district))/plans/\(year)/versions/\(version)",
                    token: token, text: csv + "\n", contentType: "text/csv")
                let plan = try ServiceClient.decode(PlanVersionAnswer.self, body, .enrolment)
                return (
                    "Brouillon de la version \(plan.version) enregistré (révision \(plan.revision)) : "
                        + "\(plan.lines.count) affectation(s).",
                    "/circonscriptions/\(district.urlEncoded)?annee=\(year)"
                )
            }
        }
        router.post("/circonscriptions/{district}/plan/publication") { request, context in
            let district = try Self.district(context)
            return try await formPost(
                request, back: "/circonscriptions/\(district.urlEncoded)", [.inspector, .manager]
            ) {
                form, visitor, token in
                let (year, version) = (Self.schoolYear(form["annee"]), try Self.planVersion(form))
                let revision = form["revision"].flatMap { Int($0) }
                try await client.send(
                    .POST, .enrolment,
                    "\(try Self.districtAPI(visitor, district))/plans/\(year)/versions/\(version)/publish",
                    token: token,
                    ifMatch: revision.map { "\"\($0)\"" })
                return (
                    "Version \(version) du plan publiée : elle ne changera plus et est annoncée aux systèmes abonnés.",
                    "/circonscriptions/\(district.urlEncoded)?annee=\(year)"
                )
            }
        }
        router.post("/circonscriptions/{district}/plan/designations") { request, context in
            let district = try Self.district(context)
            return try await formPost(
                request, back: "/circonscriptions/\(district.urlEncoded)", [.inspector, .manager]
            ) {
                form, visitor, token in
                let (year, version) = (Self.schoolYear(form["annee"]), try Self.planVersion(form))
                let body = try await client.send(
                    .POST, .enrolment,
                    "\(try Self.districtAPI(visitor, district))/plans/\(year)/versions/\(version)/designations",
                    token: token)
                let outcome = try ServiceClient.decode(PlanDesignationsAnswer.self, body, .enrolment)
                var message =
                    "Désignations du plan : \(outcome.sessions.reduce(0) { $0 + $1.designated.count }) enseignant·e(s) "
                    + "désigné·e(s), \(outcome.sessions.reduce(0) { $0 + $1.alreadyEnrolled.count }) déjà inscrit·e(s)."
                for session in outcome.sessions {
                    if let refused = session.refused { message += " Session \(session.sessionID) : \(refused)." }
                }
                return (message, "/circonscriptions/\(district.urlEncoded)?annee=\(year)")
            }
        }
    }

    private static func planVersion(_ form: Form) throws -> Int {
        guard let version = form["version"].flatMap({ Int($0) }), (1...10_000).contains(version) else {
            throw InvalidForm(lines: ["La version du plan manque : rechargez la page et recommencez."])
        }
        return version
    }

    /// The district of the path (URL-decoded), 1 to 100 characters.
    static func district(_ context: BasicRequestContext) throws -> String {
        guard let raw = context.parameters.get("district") else { throw HTTPError(.notFound) }
        let district = raw.removingPercentEncoding ?? raw
        guard (1...100).contains(district.count), !district.contains(where: \.isNewline) else {
            throw HTTPError(.notFound)
        }
        return district
    }

    /// The enrolment API's path of the district in the caller's academy.
    static func districtAPI(_ visitor: Visitor, _ district: String) throws -> String {
        guard let academy = visitor.caller?.academy else {
            throw InvalidForm(lines: ["Votre compte n'est rattaché à aucune académie."])
        }
        return "/academies/\(academy.urlEncoded)/districts/\(district.urlEncoded)"
    }

    /// `2026-2027` when given and well formed, else the current school year (from 1 September).
    static func schoolYear(_ text: String?, now: Date = Date()) -> String {
        if let text, text.count == 9, let start = Int(text.prefix(4)), let end = Int(text.suffix(4)), end == start + 1,
            text[text.index(text.startIndex, offsetBy: 4)] == "-"
        {
            return text
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = Labels.paris
        let parts = calendar.dateComponents([.year, .month], from: now)
        let start = (parts.month ?? 9) >= 9 ? (parts.year ?? 2026) : (parts.year ?? 2027) - 1
        return "\(start)-\(start + 1)"
    }

    struct CoverageAnswer: Decodable, Sendable {
        struct Teacher: Decodable, Sendable {
            var teacherID: String
            var school: String?
            var cycle: String?
            var doneMinutes: Int
            var doneDistanceMinutes: Int
            var plannedMinutes: Int
            var plannedDistanceMinutes: Int
            var missingMinutes: Int
            var missingDistanceMinutes: Int
            var short: Bool
            var assignedMinutes: Int
        }
        struct Theme: Decodable, Sendable {
            var theme: String
            var domain: String
            var priority: Int
            var teachersConcerned: Int
            var sessions: [String]
            var seats: Int
            var seatsMissing: Int
        }
        var academy: String
        var teachers: [Teacher]
        var themes: [Theme]
        var short: [String]
    }

    struct PlanVersionAnswer: Decodable, Sendable {
        struct Line: Decodable, Sendable {
            var theme: String
            var sessionID: String
            var teacherID: String
        }
        struct Answer: Decodable, Sendable {
            var theme: String
            var sessionIDs: [String]
            var teachersPlanned: Int
        }
        var version: Int
        var state: String
        var revision: Int
        var lines: [Line]
        var updatedBy: String
        var publishedBy: String?
        var publishedAt: Date?
        var answers: [Answer]
        var unansweredThemes: [String]
    }

    struct PlanVersionsAnswer: Decodable, Sendable {
        var versions: [PlanVersionAnswer]
    }

    struct PlanDesignationsAnswer: Decodable, Sendable {
        struct Session: Decodable, Sendable {
            struct Enrolment: Decodable, Sendable { var participantID: String }
            var sessionID: String
            var designated: [Enrolment]
            var alreadyEnrolled: [String]
            var refused: String?
        }
        var sessions: [Session]
    }

    struct NeedsAnswer: Decodable, Sendable {
        struct Need: Decodable, Sendable { var line: Int }
        var needs: [Need]
        var updatedBy: String?
        var updatedAt: Date?
    }

    static func coveragePage(
        _ coverage: CoverageAnswer, needs: NeedsAnswer, plan: PlanVersionAnswer?, district: String,
        schoolYear: String, filter: CoverageFilter
    ) -> CoveragePage {
        // Teachers by what they will still miss once all they planned is done: met, < 3 h, 3–9 h, ≥ 9 h.
        let labels = ["obligation tenue", "moins de 3 h", "de 3 à 9 h", "9 h ou plus"]
        var counts = [0, 0, 0, 0]
        for teacher in coverage.teachers {
            let band =
                teacher.missingMinutes == 0
                ? 0 : teacher.missingMinutes < 180 ? 1 : teacher.missingMinutes < 540 ? 2 : 3
            counts[band] += 1
        }
        let chart = BarChart(labels: labels, counts: counts, step: 90, width: 60)
        let start = Int(schoolYear.prefix(4)) ?? 2026
        let path = "/circonscriptions/\(district.urlEncoded)"
        return CoveragePage(
            district: district, districtPath: path, academy: coverage.academy.capitalizedFirst, schoolYear: schoolYear,
            previousYear: "\(start - 1)-\(start)", nextYear: "\(start + 1)-\(start + 2)",
            rows: coverage.teachers.map {
                .init(
                    teacher: $0.teacherID, school: $0.school ?? "—", cycle: $0.cycle ?? "—",
                    done: Labels.minutes($0.doneMinutes),
                    doneDistance: Labels.minutes($0.doneDistanceMinutes), planned: Labels.minutes($0.plannedMinutes),
                    missing: Labels.minutes($0.missingMinutes),
                    missingDistance: Labels.minutes($0.missingDistanceMinutes),
                    short: $0.short, assigned: Labels.minutes($0.assignedMinutes))
            },
            themes: coverage.themes.map {
                .init(
                    theme: $0.theme, domain: $0.domain, priority: $0.priority, teachers: $0.teachersConcerned,
                    seats: $0.seats, seatsMissing: $0.seatsMissing, sessions: $0.sessions.count)
            },
            shortCount: coverage.short.count, teacherCount: coverage.teachers.count,
            bars: chart.bars, chartSummary: chart.summary,
            hasTeachers: !coverage.teachers.isEmpty,
            exportHref: "\(path)/couverture.csv?annee=\(schoolYear)\(filter.pageQuery)",
            updated: needs.updatedBy.map { who in
                "Diagnostic enregistré par \(who)" + (needs.updatedAt.map { " le \(Labels.dateTime($0))" } ?? "") + "."
            },
            plan: planSection(plan), filter: filter, filtered: !filter.isEmpty)
    }

    static func planSection(_ plan: PlanVersionAnswer?) -> PlanSection {
        guard let plan else {
            return PlanSection(
                status: nil, answers: [], hasAnswers: false, unanswered: nil, writeVersion: 1,
                csv: "theme,sessionID,teacherID\n", draft: nil, published: nil)
        }
        let isDraft = plan.state == "draft"
        let status =
            isDraft
            ? "Version \(plan.version) : brouillon (révision \(plan.revision), par \(plan.updatedBy)), non publiée."
            : "Version \(plan.version) publiée"
                + (plan.publishedAt.map { " le \(Labels.dateTime($0))" } ?? "")
                + (plan.publishedBy.map { " par \($0)" } ?? "") + " ; elle ne change plus."
        let csv =
            "theme,sessionID,teacherID\n"
            + plan.lines.map { [$0.theme, $0.sessionID, $0.teacherID].map(csvField).joined(separator: ",") + "\n" }
            .joined()
        return PlanSection(
            status: status,
            answers: plan.answers.map {
                .init(theme: $0.theme, sessions: $0.sessionIDs.count, teachers: $0.teachersPlanned)
            },
            hasAnswers: !plan.answers.isEmpty,
            unanswered: plan.unansweredThemes.isEmpty
                ? nil : "Besoins sans session au plan : \(plan.unansweredThemes.joined(separator: ", ")).",
            writeVersion: isDraft ? plan.version : plan.version + 1, csv: csv,
            draft: isDraft ? .init(version: plan.version, revision: plan.revision) : nil,
            published: isDraft ? nil : plan.version)
    }
}
