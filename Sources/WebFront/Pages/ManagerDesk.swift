import Contracts
import Foundation
import Hummingbird
import ServiceSupport

/// The manager's desk: the academy's sessions by state; scheduling a session of a published course; a
/// session's life cycle, its applications to approve or refuse, its waiting list, and designation by CSV with
/// the line-by-line report of a refused file.
extension Pages {
    struct DeskPage: Sendable {
        struct Line: Sendable {
            var title: String
            var href: String
            var dates: String
            var place: String
            var seats: String
            var mode: String
        }
        struct Group: Sendable {
            var state: String
            var id: String
            var sessions: [Line]
            var empty: Bool
        }
        var academy: String
        var groups: [Group]
    }

    struct DeskSessionPage: Sendable {
        struct Person: Sendable {
            var enrolmentID: String
            var participant: String
            var state: String
            var position: Int?
            var group: String?
            var since: String
        }
        struct Command: Sendable {
            var path: String
            var label: String
        }
        var id: String
        var title: String
        var state: String
        var mode: String
        var place: String
        var dates: String
        var seats: String
        var trainers: String
        var commands: [Command]
        var applications: [Person]
        var waitlist: [Person]
        var enrolled: [Person]
        var others: [Person]
        var designation: Bool
        var takesDecisions: Bool
        var dashboardHref: String
    }

    struct ScheduleForm: Sendable {
        var course: String
        var version: String
        var academy: String
    }

    func addManagerDesk(to router: Router<BasicRequestContext>) {
        router.get("/gestion") { request, _ in
            try await signedIn(request, [.manager]) { visitor, token in
                let academy = visitor.caller?.academy ?? ""
                let path = academy.isEmpty ? "/sessions" : "/sessions?academy=\(academy.urlEncoded)"
                let sessions = try await client.get(.enrolment, path, token: token, as: SessionListAnswer.self).sessions
                let groups = Labels.sessionStates.map { state in
                    let lines = sessions.filter { $0.state == state }.map { session in
                        DeskPage.Line(
                            title: session.title, href: "/gestion/sessions/\(session.id.urlEncoded)",
                            dates:
                                "du \(Labels.date(session.calendar.startsAt)) au \(Labels.date(session.calendar.endsAt))",
                            place: session.district ?? session.pafModule ?? "",
                            seats:
                                "\(session.seats.taken)/\(session.seats.capacity) places, \(session.seats.waitlisted) en attente",
                            mode: Labels.mode(session.mode))
                    }
                    return DeskPage.Group(
                        state: Labels.sessionState(state), id: state, sessions: lines, empty: lines.isEmpty)
                }
                return try render(
                    "desk", "Gestion des sessions", visitor, request,
                    DeskPage(academy: academy.isEmpty ? "nationale" : academy.capitalizedFirst, groups: groups))
            }
        }
        router.get("/gestion/sessions/nouvelle") { request, _ in
            try await signedIn(request, [.manager]) { visitor, _ in
                let query = Form(request.uri.query ?? "")
                return try render(
                    "schedule", "Programmer une session", visitor, request,
                    ScheduleForm(
                        course: query.text("course") ?? "", version: query.text("version") ?? "1",
                        academy: visitor.caller?.academy ?? ""))
            }
        }
        router.post("/gestion/sessions") { request, _ in
            try await formPost(request, back: "/gestion/sessions/nouvelle", [.manager]) { form, visitor, token in
                let plan = try Self.sessionPlan(form, academy: visitor.caller?.academy ?? "")
                let body = try await client.send(.POST, .enrolment, "/sessions", token: token, json: plan)
                let session = try ServiceClient.decode(SessionAnswer.self, body, .enrolment)
                return ("La session « \(session.title) » est programmée.", "/gestion/sessions/\(session.id.urlEncoded)")
            }
        }
        router.get("/gestion/sessions/{id}") { request, context in
            let id = try Self.identifier(context)
            return try await signedIn(request, [.manager]) { visitor, token in
                let session = try await client.get(.enrolment, "/sessions/\(id)", token: token, as: SessionAnswer.self)
                let enrolments = try await client.get(
                    .enrolment, "/sessions/\(id)/enrolments", token: token, as: EnrolmentListAnswer.self
                ).enrolments
                return try render(
                    "desk-session", session.title, visitor, request, Self.deskSession(session, enrolments))
            }
        }
        for command in ["open", "start", "close"] {
            router.post("/gestion/sessions/{id}/\(command)") { request, context in
                let id = try Self.identifier(context)
                return try await formPost(request, back: "/gestion/sessions/\(id)", [.manager]) { _, _, token in
                    let body = try await client.send(.POST, .enrolment, "/sessions/\(id)/\(command)", token: token)
                    let session = try ServiceClient.decode(SessionAnswer.self, body, .enrolment)
                    return ("La session est maintenant : \(Labels.sessionState(session.state).lowercased()).", nil)
                }
            }
        }
        for decision in ["approve", "refuse"] {
            router.post("/gestion/sessions/{id}/inscriptions/{enrolment}/\(decision)") { request, context in
                let id = try Self.identifier(context)
                let enrolment = try Self.identifier(context, "enrolment")
                return try await formPost(request, back: "/gestion/sessions/\(id)", [.manager]) { form, _, token in
                    struct Reason: Encodable { var reason: String }
                    if decision == "refuse" {
                        guard let reason = form.text("reason") else {
                            throw InvalidForm(lines: ["Un refus doit être motivé : indiquez la raison."])
                        }
                        try await client.send(
                            .POST, .enrolment, "/enrolments/\(enrolment)/refuse", token: token,
                            json: Reason(reason: reason))
                        return ("La candidature est refusée.", nil)
                    }
                    let body = try await client.send(
                        .POST, .enrolment, "/enrolments/\(enrolment)/approve", token: token)
                    let answer = try ServiceClient.decode(EnrolmentAnswer.self, body, .enrolment)
                    return (
                        answer.state == "waitlisted"
                            ? "Candidature retenue : la session est complète, \(answer.participantID) est en liste d'attente (position \(answer.waitlistPosition ?? 0))."
                            : "La candidature de \(answer.participantID) est acceptée.", nil
                    )
                }
            }
        }
        router.post("/gestion/sessions/{id}/designations") { request, context in
            let id = try Self.identifier(context)
            return try await formPost(request, back: "/gestion/sessions/\(id)", [.manager]) { form, _, token in
                guard let csv = form.text("csv") else {
                    throw InvalidForm(lines: [
                        "Collez la liste ou choisissez un fichier CSV (colonne participantID, group facultative)."
                    ])
                }
                let acceptance = form["acceptanceRequired"] == "true"
                let body = try await client.send(
                    .POST, .enrolment, "/sessions/\(id)/designations.csv?acceptanceRequired=\(acceptance)",
                    token: token,
                    text: csv + "\n", contentType: "text/csv")
                let count = try ServiceClient.decode(EnrolmentListAnswer.self, body, .enrolment).enrolments.count
                return ("\(count) enseignant·e\(count > 1 ? "s" : "") désigné·e\(count > 1 ? "s" : "").", nil)
            }
        }
    }

    static func deskSession(_ session: SessionAnswer, _ enrolments: [EnrolmentAnswer]) -> DeskSessionPage {
        func person(_ enrolment: EnrolmentAnswer) -> DeskSessionPage.Person {
            .init(
                enrolmentID: enrolment.id, participant: enrolment.participantID,
                state: Labels.enrolmentState(enrolment.state),
                position: enrolment.waitlistPosition, group: enrolment.group,
                since: Labels.dateTime(enrolment.createdAt))
        }
        var commands: [DeskSessionPage.Command] = []
        let base = "/gestion/sessions/\(session.id.urlEncoded)"
        switch session.state {
        case "inPreparation": commands.append(.init(path: "\(base)/open", label: "Ouvrir les inscriptions"))
        case "openForEnrolment": commands.append(.init(path: "\(base)/start", label: "Démarrer la session"))
        case "running": commands.append(.init(path: "\(base)/close", label: "Clore la session"))
        default: break
        }
        return DeskSessionPage(
            id: session.id, title: session.title, state: Labels.sessionState(session.state),
            mode: Labels.mode(session.mode),
            place: [session.district ?? session.pafModule, "académie de \(session.academy.capitalizedFirst)"].compactMap
            { $0 }
            .joined(separator: ", "),
            dates: "du \(Labels.date(session.calendar.startsAt)) au \(Labels.date(session.calendar.endsAt))",
            seats:
                "\(session.seats.taken) inscrit·e·s sur \(session.seats.capacity) places, \(session.seats.waitlisted) en liste d'attente",
            trainers: (session.trainerIDs + session.tutorIDs).joined(separator: ", "), commands: commands,
            applications: enrolments.filter { $0.state == "applied" }.map(person),
            waitlist: enrolments.filter { $0.state == "waitlisted" }.sorted {
                ($0.waitlistPosition ?? 0) < ($1.waitlistPosition ?? 0)
            }
            .map(person),
            enrolled: enrolments.filter { ["approved", "designated", "completed"].contains($0.state) }.map(person),
            others: enrolments.filter { ["refused", "withdrawn"].contains($0.state) }.map(person),
            designation: session.mode == "designation",
            takesDecisions: ["openForEnrolment", "running"].contains(session.state),
            dashboardHref: "/formateur/sessions/\(session.id.urlEncoded)")
    }

    /// The session plan of the scheduling form. Dates are the form's local dates and times in Paris.
    struct Plan: Encodable {
        struct Course: Encodable {
            var courseID: String
            var version: Int
        }
        struct Calendar: Encodable {
            var enrolmentOpensAt: Date
            var enrolmentClosesAt: Date
            var startsAt: Date
            var endsAt: Date
            var meetings: [Meeting]
        }
        struct Meeting: Encodable {
            var activityID: String
            var startsAt: Date
            var endsAt: Date
            var place: String?
        }
        var course: Course
        var academy: String
        var schoolLevel: String
        var district: String?
        var pafModule: String?
        var calendar: Calendar
        var trainerIDs: [String]
        var capacity: Int
        var mode: String
    }

    static func sessionPlan(_ form: Form, academy: String) throws -> Plan {
        var problems: [String] = []
        func date(_ name: String, _ label: String) -> Date? {
            guard let text = form.text(name) else {
                problems.append("« \(label) » : indiquez une date.")
                return nil
            }
            guard let date = parisDate(text) else {
                problems.append("« \(label) » : une date et une heure comme 2027-01-25T08:00.")
                return nil
            }
            return date
        }
        let course = form.text("course")
        if course == nil { problems.append("« Parcours » : indiquez l'identifiant du parcours.") }
        let version = Int(form.text("version") ?? "")
        if version == nil { problems.append("« Version » : un nombre.") }
        let capacity = Int(form.text("capacity") ?? "")
        if capacity == nil { problems.append("« Places » : un nombre.") }
        let level = form.text("schoolLevel") ?? "primary"
        let opens = date("enrolmentOpensAt", "Ouverture des inscriptions")
        let closes = date("enrolmentClosesAt", "Clôture des inscriptions")
        let starts = date("startsAt", "Début")
        let ends = date("endsAt", "Fin")
        var meetings: [Plan.Meeting] = []
        if let activity = form.text("meetingActivity") {
            if let start = date("meetingStartsAt", "Début du regroupement"),
                let end = date("meetingEndsAt", "Fin du regroupement")
            {
                meetings.append(
                    .init(activityID: activity, startsAt: start, endsAt: end, place: form.text("meetingPlace")))
            }
        }
        guard problems.isEmpty, let course, let version, let capacity, let opens, let closes, let starts, let ends
        else {
            throw InvalidForm(lines: problems)
        }
        let trainers = (form.text("trainers") ?? "").split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        .filter { !$0.isEmpty }
        return Plan(
            course: .init(courseID: course, version: version), academy: academy, schoolLevel: level,
            district: level == "primary" ? form.text("place") : nil,
            pafModule: level == "primary" ? nil : form.text("place"),
            calendar: .init(
                enrolmentOpensAt: opens, enrolmentClosesAt: closes, startsAt: starts, endsAt: ends, meetings: meetings),
            trainerIDs: trainers, capacity: capacity, mode: form.text("mode") ?? "application")
    }

    /// `2027-01-25T08:00` (an `<input type="datetime-local">`, seconds optional) read as Paris time.
    static func parisDate(_ text: String) -> Date? {
        let parts = text.split(separator: "T", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        let day = parts[0].split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
        let time = parts[1].split(separator: ":", omittingEmptySubsequences: false).map { Int($0) }
        guard day.count == 3, (2...3).contains(time.count), !day.contains(nil), !time.contains(nil),
            parts[0].count == 10, parts[1].count == 5 || parts[1].count == 8
        else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = Labels.paris
        let components = DateComponents(
            year: day[0], month: day[1], day: day[2], hour: time[0], minute: time[1],
            second: time.count == 3 ? time[2] : 0)
        guard let date = calendar.date(from: components),
            calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
                == DateComponents(year: day[0], month: day[1], day: day[2], hour: time[0], minute: time[1])
        else { return nil }
        return date
    }
}
