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
            var done: String
            var doneDistance: String
            var planned: String
            var missing: String
            var missingDistance: String
            var short: Bool
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
                let year = Self.schoolYear(Form(request.uri.query ?? "")["annee"])
                let base = try Self.districtAPI(visitor, district)
                let coverage = try await client.get(
                    .enrolment, "\(base)/coverage/\(year)", token: token, as: CoverageAnswer.self)
                let needs = try await client.get(
                    .enrolment, "\(base)/needs/\(year)", token: token, as: NeedsAnswer.self)
                return try render(
                    "coverage", "Circonscription \(district)", visitor, request,
                    Self.coveragePage(coverage, needs: needs, district: district, schoolYear: year))
            }
        }
        router.get("/circonscriptions/{district}/couverture.csv") { request, context in
            let district = try Self.district(context)
            return try await signedIn(request, [.inspector, .manager]) { visitor, token in
                let year = Self.schoolYear(Form(request.uri.query ?? "")["annee"])
                let coverage = try await client.get(
                    .enrolment, "\(try Self.districtAPI(visitor, district))/coverage/\(year)", token: token,
                    as: CoverageAnswer.self)
                var csv =
                    "teacherID,doneMinutes,doneDistanceMinutes,plannedMinutes,plannedDistanceMinutes,missingMinutes,missingDistanceMinutes,short\r\n"
                for row in coverage.teachers {
                    csv +=
                        [
                            row.teacherID, "\(row.doneMinutes)", "\(row.doneDistanceMinutes)", "\(row.plannedMinutes)",
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
            var doneMinutes: Int
            var doneDistanceMinutes: Int
            var plannedMinutes: Int
            var plannedDistanceMinutes: Int
            var missingMinutes: Int
            var missingDistanceMinutes: Int
            var short: Bool
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

    struct NeedsAnswer: Decodable, Sendable {
        struct Need: Decodable, Sendable { var line: Int }
        var needs: [Need]
        var updatedBy: String?
        var updatedAt: Date?
    }

    static func coveragePage(
        _ coverage: CoverageAnswer, needs: NeedsAnswer, district: String, schoolYear: String
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
                    teacher: $0.teacherID, done: Labels.minutes($0.doneMinutes),
                    doneDistance: Labels.minutes($0.doneDistanceMinutes), planned: Labels.minutes($0.plannedMinutes),
                    missing: Labels.minutes($0.missingMinutes),
                    missingDistance: Labels.minutes($0.missingDistanceMinutes),
                    short: $0.short)
            },
            themes: coverage.themes.map {
                .init(
                    theme: $0.theme, domain: $0.domain, priority: $0.priority, teachers: $0.teachersConcerned,
                    seats: $0.seats, seatsMissing: $0.seatsMissing, sessions: $0.sessions.count)
            },
            shortCount: coverage.short.count, teacherCount: coverage.teachers.count,
            bars: chart.bars, chartSummary: chart.summary,
            hasTeachers: !coverage.teachers.isEmpty,
            exportHref: "\(path)/couverture.csv?annee=\(schoolYear)",
            updated: needs.updatedBy.map { who in
                "Diagnostic enregistré par \(who)" + (needs.updatedAt.map { " le \(Labels.dateTime($0))" } ?? "") + "."
            })
    }
}
