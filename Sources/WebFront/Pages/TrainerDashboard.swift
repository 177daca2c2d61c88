import Contracts
import Foundation
import Hummingbird
import ServiceSupport

/// The trainer's pages: the sessions they lead, and a session's dashboard — every participant's progress,
/// time spent, last seen, attendance and completion; the distribution of progress as a chart; the
/// attendance sheet as a form; the table as CSV.
extension Pages {
    struct TrainerListPage: Sendable {
        struct Line: Sendable {
            var title: String
            var href: String
            var state: String
            var dates: String
            var place: String
        }
        var sessions: [Line]
    }

    struct DashboardPage: Sendable {
        struct Row: Sendable {
            var participant: String
            var status: String
            var percent: Int
            var done: String
            var time: String
            var lastSeen: String
            var attendance: String
            var completed: Bool
        }
        struct SheetLine: Sendable {
            var key: String
            var enrolmentID: String
            var participant: String
            var present: Bool
            var absent: Bool
            var excused: Bool
        }
        /// One attendance sheet per activity whose attendance staff record (meetings, virtual classes).
        struct Meeting: Sendable {
            var activityID: String
            var label: String
            var lines: [SheetLine]
        }
        /// One line of the session's journal: corrections of attendance, voided statements, re-evaluations.
        struct JournalLine: Sendable {
            var when: String
            var who: String
            var what: String
            var detail: String
        }
        var sessionID: String
        var title: String
        var state: String
        var rows: [Row]
        var participants: Int
        var completed: Int
        var average: Int
        var bars: [BarChart.Bar]
        var chartSummary: String
        var meetings: [Meeting]
        var exportHref: String
        var trackingUnavailable: String?
        var hasSheet = false
        var journal: [JournalLine] = [] {
            didSet { hasJournal = !journal.isEmpty }
        }
        var hasJournal = false
    }

    func addTrainerDashboard(to router: Router<BasicRequestContext>) {
        router.get("/formateur") { request, _ in
            try await signedIn(request, [.trainer, .tutor]) { visitor, token in
                let me = visitor.subject ?? ""
                let sessions = try await client.get(
                    .enrolment, "/sessions?staff=\(me.urlEncoded)", token: token, as: SessionListAnswer.self
                ).sessions
                return try render(
                    "trainer", "Mes sessions", visitor, request,
                    TrainerListPage(
                        sessions: sessions.map {
                            .init(
                                title: $0.title, href: "/formateur/sessions/\($0.id.urlEncoded)",
                                state: Labels.sessionState($0.state),
                                dates: "du \(Labels.date($0.calendar.startsAt)) au \(Labels.date($0.calendar.endsAt))",
                                place: $0.district ?? $0.pafModule ?? "")
                        }))
            }
        }
        router.get("/formateur/sessions/{id}") { request, context in
            let id = try Self.identifier(context)
            return try await signedIn(request, [.trainer, .tutor, .manager]) { visitor, token in
                let session = try await client.get(.enrolment, "/sessions/\(id)", token: token, as: SessionAnswer.self)
                let progress = try await Self.section {
                    try await client.get(
                        .tracking, "/sessions/\(id)/progress", token: token, as: SessionProgressAnswer.self)
                }
                let activityTitles = try? await client.get(
                    .catalog, "/courses/\(session.course.courseID.urlEncoded)/versions/\(session.course.version)",
                    token: nil,
                    as: CourseVersionAnswer.self)
                var page = Self.dashboard(session, progress, titles: activityTitles)
                // The journal is a help, not the page: left out when tracking cannot give it.
                let audit = try? await client.get(
                    .tracking, "/sessions/\(id)/audit", token: token, as: SessionAuditAnswer.self)
                page.journal = (audit?.entries ?? []).reversed().map {
                    .init(
                        when: Labels.dateTime($0.recordedAt), who: $0.actorID, what: Labels.auditAction($0.action),
                        detail: $0.detail)
                }
                return try render("dashboard", "Tableau de bord — \(session.title)", visitor, request, page)
            }
        }
        router.get("/formateur/sessions/{id}/export.csv") { request, context in
            let id = try Self.identifier(context)
            return try await signedIn(request, [.trainer, .tutor, .manager]) { _, token in
                let progress = try await client.get(
                    .tracking, "/sessions/\(id)/progress", token: token, as: SessionProgressAnswer.self)
                var csv =
                    "participantID,status,percentRequiredDone,requiredDone,minutesSpent,lastSeenAt,completed,completedAt"
                for activity in progress.requiredActivities { csv += ",attendance:\(Self.csvField(activity))" }
                csv += "\r\n"
                for row in progress.participants {
                    var fields = [
                        row.participantID, row.status, "\(row.percentRequiredDone)", "\(row.requiredDone)",
                        "\((row.secondsSpent + 59) / 60)", row.lastSeenAt.map(Timestamp.format) ?? "",
                        row.completed ? "true" : "false", row.completedAt.map(Timestamp.format) ?? "",
                    ]
                    fields += progress.requiredActivities.map { row.attendance[$0] ?? "" }
                    csv += fields.map(Self.csvField).joined(separator: ",") + "\r\n"
                }
                return Response(
                    status: .ok,
                    headers: [
                        .contentType: "text/csv; charset=utf-8",
                        .contentDisposition: "attachment; filename=\"session-\(id)-progression.csv\"",
                        .cacheControl: "no-store",
                    ], body: .init(byteBuffer: .init(string: csv)))
            }
        }
        router.post("/formateur/sessions/{id}/emargement") { request, context in
            let id = try Self.identifier(context)
            return try await formPost(request, back: "/formateur/sessions/\(id)", [.trainer, .tutor]) {
                form, _, token in
                struct Sheet: Encodable {
                    struct Entry: Encodable {
                        var enrolmentID: String
                        var status: String
                    }
                    var activityID: String
                    var entries: [Entry]
                    /// Required by tracking when the sheet corrects a presence already recorded.
                    var reason: String?
                }
                guard let activity = form.text("activityID") else {
                    throw InvalidForm(lines: ["Choisissez le regroupement dont vous faites l'émargement."])
                }
                let entries = form.values.compactMap { name, values -> Sheet.Entry? in
                    guard name.hasPrefix("presence-"), let status = values.first,
                        ["present", "absent", "excused"].contains(status)
                    else { return nil }
                    return .init(enrolmentID: String(name.dropFirst("presence-".count)), status: status)
                }.sorted { $0.enrolmentID < $1.enrolmentID }
                guard !entries.isEmpty else {
                    throw InvalidForm(lines: ["Indiquez la présence d'au moins un·e participant·e."])
                }
                try await client.send(
                    .POST, .tracking, "/sessions/\(id)/attendance", token: token,
                    json: Sheet(activityID: activity, entries: entries, reason: form.text("reason")))
                return (
                    "Émargement enregistré pour \(entries.count) participant·e\(entries.count > 1 ? "s" : "").",
                    "/formateur/sessions/\(id)#emargement-\(activity.urlEncoded)"
                )
            }
        }
    }

    /// `GET /courses/{id}/versions/{version}` (catalog): the activities' titles for the attendance sheet.
    struct CourseVersionAnswer: Decodable, Sendable {
        struct Activity: Decodable, Sendable {
            var id: String
            var title: String
            var kind: String
        }
        var activities: [Activity]
    }

    static func dashboard(
        _ session: SessionAnswer, _ progress: Section<SessionProgressAnswer>, titles: CourseVersionAnswer?
    ) -> DashboardPage {
        let participants = progress.value?.participants ?? []
        let active = participants.filter { $0.status != "withdrawn" }
        // Five bands of progress: 0–19 %, 20–39 %, … 80–100 %.
        var counts = [Int](repeating: 0, count: 5)
        for row in active { counts[min(4, row.percentRequiredDone / 20)] += 1 }
        let chart = BarChart(
            labels: ["0–19 %", "20–39 %", "40–59 %", "60–79 %", "80–100 %"], counts: counts, step: 70, width: 50)
        // The activities whose attendance staff record: the course's meetings and virtual classes, in the course's
        // order, and any meeting of the calendar the course version does not name.
        var meetings =
            titles?.activities.filter { $0.kind == "inPersonMeeting" || $0.kind == "virtualClass" }.map(\.id) ?? []
        for meeting in session.calendar.meetings.map(\.activityID) where !meetings.contains(meeting) {
            meetings.append(meeting)
        }
        let title = { (id: String) in titles?.activities.first { $0.id == id }?.title ?? id }
        var page = DashboardPage(
            sessionID: session.id, title: session.title, state: Labels.sessionState(session.state),
            rows: participants.map { row in
                .init(
                    participant: row.participantID, status: Labels.enrolmentState(row.status),
                    percent: row.percentRequiredDone,
                    done: "\(row.requiredDone)/\(progress.value?.requiredActivities.count ?? 0)",
                    time: Labels.seconds(row.secondsSpent),
                    lastSeen: row.lastSeenAt.map(Labels.dateTime) ?? "jamais",
                    attendance: row.attendance.sorted { $0.key < $1.key }.map {
                        "\(title($0.key)) : \(Labels.attendance($0.value))"
                    }
                    .joined(separator: " ; "),
                    completed: row.completed)
            },
            participants: active.count, completed: active.filter(\.completed).count,
            average: active.isEmpty ? 0 : active.map(\.percentRequiredDone).reduce(0, +) / active.count,
            bars: chart.bars,
            chartSummary: chart.summary,
            meetings: meetings.map { activity in
                .init(
                    activityID: activity, label: title(activity),
                    lines: active.map { row in
                        let status = row.attendance[activity]
                        return .init(
                            key: "\(activity)-\(row.enrolmentID)", enrolmentID: row.enrolmentID,
                            participant: row.participantID,
                            present: status == "present", absent: status == "absent", excused: status == "excused")
                    })
            },
            exportHref: "/formateur/sessions/\(session.id.urlEncoded)/export.csv",
            trackingUnavailable: progress.unavailable)
        page.hasSheet = !page.meetings.isEmpty && !active.isEmpty
        return page
    }

    /// A CSV field, quoted when needed; a leading `= + - @` is neutralised so a spreadsheet does not run it.
    static func csvField(_ value: String) -> String {
        var value = value
        if let first = value.first, "=+-@".contains(first) { value = "'" + value }
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
