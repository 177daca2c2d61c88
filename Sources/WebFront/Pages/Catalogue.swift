import Contracts
import Foundation
import Hummingbird
import ServiceSupport

/// The public catalogue: search with facets and paging, and a course's page with its sessions.
extension Pages {
    static let catalogueParameters = [
        "q", "origin", "academy", "schoolLevel", "domain", "modality", "nature", "duration", "page",
    ]
    static let pageSize = 10

    struct CataloguePage: Sendable {
        struct Option: Sendable {
            var label: String
            var count: Int
            var href: String
            var selected: Bool
        }
        struct Group: Sendable {
            var id: String
            var label: String
            var options: [Option]
        }
        struct Result: Sendable {
            var title: String
            var href: String
            var summary: String
            var domain: String
            var facts: String
        }
        var query: String
        var groups: [Group]
        var results: [Result]
        var total: Int
        var pageLabel: String
        var previous: String?
        var next: String?
        var problem: [String]
    }

    func addCatalogue(to router: Router<BasicRequestContext>) {
        router.get("/catalogue") { request, _ in
            let visitor = await sessions.visitor(request)
            let query = Form(request.uri.query ?? "")
            var chosen: [(String, String)] = []
            for name in Self.catalogueParameters {
                if let value = query.text(name) { chosen.append((name, value)) }
            }
            let path =
                (query.text("q") == nil ? "/courses" : "/search") + "?"
                + (chosen + [("limit", "\(Self.pageSize)")]).map { "\($0.0)=\($0.1.urlEncoded)" }.joined(separator: "&")
            var page = CataloguePage(
                query: query.text("q") ?? "", groups: [], results: [], total: 0, pageLabel: "", previous: nil,
                next: nil, problem: [])
            do {
                let answer = try await client.get(.catalog, path, token: nil, as: CatalogueAnswer.self)
                page = Self.cataloguePage(answer, chosen: chosen)
            } catch let problem as APIProblem where problem.status == 400 {
                page.problem = problem.lines
            }
            return try render("catalogue", "Catalogue des formations", visitor, request, page)
        }
        router.get("/catalogue/{id}") { request, context in
            let visitor = await sessions.visitor(request)
            let id = try Self.identifier(context)
            let course = try await client.get(.catalog, "/courses/\(id)", token: nil, as: CourseAnswer.self)
            guard let current = course.current else { throw HTTPError(.notFound) }
            let versions = try await client.get(
                .catalog, "/courses/\(id)/versions", token: nil, as: VersionsAnswer.self)
            var sourceTitle: String?
            if let source = course.source {
                sourceTitle = try? await client.get(
                    .catalog, "/courses/\(source.courseID)", token: nil, as: CourseAnswer.self
                )
                .current?.title
            }
            var offered = Section<[SessionAnswer]>(value: nil, unavailable: nil)
            if let token = visitor.token {
                offered = try await Self.section {
                    try await client.get(
                        .enrolment, "/sessions?state=openForEnrolment", token: token, as: SessionListAnswer.self
                    )
                    .sessions.filter { $0.course.courseID == id }
                }
            }
            return try render(
                "course", current.title, visitor, request,
                Self.coursePage(course, current, versions, sourceTitle: sourceTitle, offered: offered, visitor: visitor)
            )
        }
    }

    static func cataloguePage(_ answer: CatalogueAnswer, chosen: [(String, String)]) -> CataloguePage {
        func href(_ parameters: [(String, String)]) -> String {
            parameters.isEmpty
                ? "/catalogue" : "/catalogue?" + parameters.map { "\($0.0)=\($0.1.urlEncoded)" }.joined(separator: "&")
        }
        let filters = chosen.filter { $0.0 != "page" }
        let groups = Labels.facets.compactMap { facet -> CataloguePage.Group? in
            let counts = answer.facets[facet.name] ?? []
            guard !counts.isEmpty else { return nil }
            let current = filters.first { $0.0 == facet.name }?.1
            return CataloguePage.Group(
                id: facet.name, label: facet.label,
                options: counts.map { count in
                    let others = filters.filter { $0.0 != facet.name }
                    let selected = current == count.value
                    return .init(
                        label: Labels.value(facet.name, count.value), count: count.count,
                        href: href(selected ? others : others + [(facet.name, count.value)]), selected: selected)
                })
        }
        let pages = max(1, (answer.total + answer.limit - 1) / max(answer.limit, 1))
        return CataloguePage(
            query: filters.first { $0.0 == "q" }?.1 ?? "", groups: groups,
            results: answer.items.map { item in
                var facts = [Labels.value("modality", item.modality ?? "distance")]
                facts.append("\(Labels.minutes(item.distanceMinutes)) à distance")
                if item.inPersonMinutes > 0 { facts.append("\(Labels.minutes(item.inPersonMinutes)) en présence") }
                facts.append(
                    item.origin.kind == "national"
                        ? "Offre nationale" : "Académie de \((item.origin.academy ?? "").capitalizedFirst)")
                return .init(
                    title: item.title, href: "/catalogue/\(item.courseID.urlEncoded)", summary: item.summary,
                    domain: item.domain, facts: facts.joined(separator: " · "))
            },
            total: answer.total, pageLabel: "Page \(answer.page) sur \(pages)",
            previous: answer.page > 1 ? href(filters + [("page", "\(answer.page - 1)")]) : nil,
            next: answer.page < pages ? href(filters + [("page", "\(answer.page + 1)")]) : nil, problem: [])
    }

    struct CoursePage: Sendable {
        struct Activity: Sendable {
            var title: String
            var kind: String
            var modality: String
            var duration: String
            var required: Bool
        }
        struct Version: Sendable {
            var version: Int
            var title: String
            var date: String
            var activities: Int
        }
        struct OfferedSession: Sendable {
            var id: String
            var place: String
            var dates: String
            var seats: String
            var mode: String
            var canApply: Bool
            var canEnrol: Bool
        }
        var courseID: String
        var version: Int
        var title: String
        var summary: String
        var objectives: [String]
        var audience: String
        var domain: String
        var owner: String
        var distance: String
        var inPerson: String
        var activities: [Activity]
        var versions: [Version]
        var lineage: String?
        var signedIn: Bool
        var sessions: [OfferedSession]
        var sessionsUnavailable: String?
        var scheduleHref: String?
        var canDerive: Bool
    }

    static func coursePage(
        _ course: CourseAnswer, _ current: CoursePublished, _ versions: VersionsAnswer, sourceTitle: String?,
        offered: Section<[SessionAnswer]>, visitor: Visitor
    ) -> CoursePage {
        var lineage: String?
        if let source = course.source {
            let name = sourceTitle.map { "« \($0) »" } ?? source.courseID
            let behind = source.latestVersion - source.derivedFromVersion
            lineage =
                "Contextualisé à partir de \(name), version \(source.derivedFromVersion)"
                + (behind > 0
                    ? " ; en retard de \(behind) version\(behind > 1 ? "s" : "") sur sa source."
                    : " ; à jour de sa source.")
        }
        let audience = current.audience
        let levels = audience.schoolLevels.map { Labels.value("schoolLevel", $0.rawValue) }
        let audienceText = (levels + audience.disciplines + audience.gradeLevels).joined(separator: ", ")
        let isParticipant = visitor.has(.participant)
        return CoursePage(
            courseID: current.courseID, version: current.version, title: current.title, summary: current.summary,
            objectives: current.objectives, audience: audienceText.isEmpty ? "Tous publics" : audienceText,
            domain: current.domain, owner: current.owner.organisation,
            distance: Labels.minutes(current.distanceMinutes), inPerson: Labels.minutes(current.inPersonMinutes),
            activities: current.activities.map {
                .init(
                    title: $0.title, kind: Labels.activityKind($0.kind.rawValue),
                    modality: Labels.value("modality", $0.modality.rawValue),
                    duration: Labels.minutes($0.estimatedMinutes),
                    required: $0.required)
            },
            versions: versions.versions.reversed().map {
                .init(
                    version: $0.version, title: $0.title, date: Labels.date($0.publishedAt),
                    activities: $0.activityCount)
            },
            lineage: lineage, signedIn: visitor.caller != nil,
            sessions: (offered.value ?? []).map { session in
                .init(
                    id: session.id,
                    place: [session.district ?? session.pafModule, "académie de \(session.academy.capitalizedFirst)"]
                        .compactMap { $0 }.joined(separator: ", "),
                    dates: "du \(Labels.date(session.calendar.startsAt)) au \(Labels.date(session.calendar.endsAt))",
                    seats:
                        "\(session.seats.free) place\(session.seats.free > 1 ? "s" : "") libre\(session.seats.free > 1 ? "s" : "") sur \(session.seats.capacity)",
                    mode: Labels.mode(session.mode),
                    canApply: isParticipant && session.mode == "application",
                    canEnrol: isParticipant && session.mode == "open")
            },
            sessionsUnavailable: offered.unavailable,
            scheduleHref: visitor.has(.manager)
                ? "/gestion/sessions/nouvelle?course=\(current.courseID.urlEncoded)&version=\(current.version)" : nil,
            canDerive: visitor.has(.designer))
    }
}
