import Foundation
import Hummingbird
import ServiceSupport

/// The teacher's space: enrolments and their states with what can be done about each, progress per course,
/// and the yearly record with the primary obligation as a gauge, and the attestation to print.
extension Pages {
    struct TeacherPage: Sendable {
        struct Action: Sendable {
            var path: String
            var label: String
            var secondary: Bool
        }
        struct Step: Sendable {
            var title: String
            var kind: String
            var done: Bool
            var time: String
            var score: String?
            var attendance: String?
        }
        struct Enrolment: Sendable {
            var id: String
            var title: String
            var courseHref: String
            var state: String
            var stateCode: String
            var waitlistPosition: Int?
            var place: String
            var actions: [Action]
            var tracked: Bool
            var percent: Int
            var progressLabel: String
            var steps: [Step]
            var completed: Bool
            var progressUnavailable: String?
        }
        var enrolments: [Enrolment]
        var enrolmentsUnavailable: String?
        var record: Gauge?
        var recordUnavailable: String?
    }

    /// The yearly record in figures and as a gauge (an SVG bar drawn here, with a text equivalent).
    struct Gauge: Sendable {
        var schoolYear: String
        var total: String
        var distance: String
        var inPerson: String
        var hasObligation: Bool
        var obligationText: String
        var met: Bool
        var doneMinutes: Int
        var requiredMinutes: Int
        var barWidth: Int
        var distanceWidth: Int
        var targetX: Int
        var distanceTargetX: Int
        var trainings: [Training]
        var hasTrainings: Bool

        struct Training: Sendable {
            var title: String
            var date: String
            var hours: String
        }

        init(_ record: RecordAnswer) {
            schoolYear = record.schoolYear
            total = Labels.minutes(record.totalMinutes)
            distance = Labels.minutes(record.distanceMinutes)
            inPerson = Labels.minutes(record.inPersonMinutes)
            trainings = record.trainings.map {
                .init(
                    title: $0.title, date: Labels.date($0.completedAt),
                    hours:
                        "\(Labels.minutes($0.distanceMinutes + $0.inPersonMinutes)) dont \(Labels.minutes($0.distanceMinutes)) à distance"
                )
            }
            hasTrainings = !record.trainings.isEmpty
            let obligation = record.obligation
            hasObligation = obligation != nil
            met = obligation?.met ?? false
            requiredMinutes = obligation?.requiredMinutes ?? 1080
            doneMinutes = obligation?.doneMinutes ?? record.totalMinutes
            // The bar is 300 px for the obligation's 18 h; more than 18 h fills it.
            let scale = { (minutes: Int) in min(300, minutes * 300 / max(1, obligation?.requiredMinutes ?? 1080)) }
            barWidth = scale(doneMinutes)
            distanceWidth = scale(obligation?.doneDistanceMinutes ?? record.distanceMinutes)
            targetX = 300
            distanceTargetX = 10 + scale(obligation?.requiredDistanceMinutes ?? 540)
            if let obligation {
                obligationText =
                    obligation.met
                    ? "Obligation annuelle de formation atteinte : \(Labels.minutes(obligation.doneMinutes)) sur \(Labels.minutes(obligation.requiredMinutes)), dont \(Labels.minutes(obligation.doneDistanceMinutes)) à distance."
                    : "\(Labels.minutes(obligation.doneMinutes)) sur les \(Labels.minutes(obligation.requiredMinutes)) de l'obligation annuelle, dont \(Labels.minutes(obligation.doneDistanceMinutes)) à distance sur \(Labels.minutes(obligation.requiredDistanceMinutes)) : il manque \(Labels.minutes(obligation.missingMinutes)), dont \(Labels.minutes(obligation.missingDistanceMinutes)) à distance."
            } else {
                obligationText = "Pas d'obligation horaire annuelle suivie ici pour votre degré."
            }
        }
    }

    func addTeacherSpace(to router: Router<BasicRequestContext>) {
        router.get("/espace") { request, _ in
            try await signedIn(request, [.participant]) { visitor, token in
                let me = visitor.subject ?? ""
                let enrolments = try await Self.section {
                    try await client.get(
                        .enrolment, "/teachers/\(me.urlEncoded)/enrolments", token: token, as: EnrolmentListAnswer.self
                    )
                    .enrolments
                }
                var rows: [TeacherPage.Enrolment] = []
                var titles: [String: SessionAnswer] = [:]
                for enrolment in (enrolments.value ?? []).prefix(30) {
                    if titles[enrolment.sessionID] == nil {
                        titles[enrolment.sessionID] = try? await client.get(
                            .enrolment, "/sessions/\(enrolment.sessionID.urlEncoded)", token: token,
                            as: SessionAnswer.self)
                    }
                    rows.append(try await teacherRow(enrolment, session: titles[enrolment.sessionID], token: token))
                }
                let record = try await Self.section {
                    try await client.get(
                        .enrolment, "/teachers/\(me.urlEncoded)/record", token: token, as: RecordAnswer.self)
                }
                return try render(
                    "teacher", "Mon espace", visitor, request,
                    TeacherPage(
                        enrolments: rows, enrolmentsUnavailable: enrolments.unavailable,
                        record: record.value.map(Gauge.init),
                        recordUnavailable: record.unavailable))
            }
        }
        router.get("/espace/attestation") { request, _ in
            try await signedIn(request, [.participant]) { visitor, token in
                struct AttestationPage: Sendable {
                    var teacher: String
                    var statement: String
                    var issued: String
                    var gauge: Gauge
                }
                struct Answer: Decodable {
                    var statement: String
                    var issuedAt: Date
                    var record: RecordAnswer
                }
                let me = visitor.subject ?? ""
                let attestation = try await client.get(
                    .enrolment, "/teachers/\(me.urlEncoded)/attestation", token: token, as: Answer.self)
                return try render(
                    "attestation", "Attestation de formation", visitor, request,
                    AttestationPage(
                        teacher: me, statement: attestation.statement, issued: Labels.date(attestation.issuedAt),
                        gauge: Gauge(attestation.record)))
            }
        }
        // Applying or enrolling, as the session's mode says; accepting a designation; withdrawing.
        router.post("/espace/sessions/{id}/inscription") { request, context in
            let session = try Self.identifier(context)
            return try await formPost(request, back: "/espace", [.participant]) { form, _, token in
                let mode = form["mode"] == "open" ? "enrolments" : "applications"
                try await client.send(.POST, .enrolment, "/sessions/\(session)/\(mode)", token: token)
                return (
                    mode == "enrolments" ? "Vous êtes inscrit·e à la session." : "Votre candidature est envoyée.", nil
                )
            }
        }
        for (command, message) in [
            ("accept", "Vous avez accepté la désignation."), ("withdraw", "Vous vous êtes retiré·e de la session."),
        ] {
            router.post("/espace/inscriptions/{id}/\(command)") { request, context in
                let enrolment = try Self.identifier(context)
                return try await formPost(request, back: "/espace", [.participant]) { form, _, token in
                    if command == "withdraw" {
                        struct Reason: Encodable { var reason: String }
                        try await client.send(
                            .POST, .enrolment, "/enrolments/\(enrolment)/withdraw", token: token,
                            json: Reason(reason: form.text("reason") ?? "Retrait par l'enseignant·e"))
                    } else {
                        try await client.send(.POST, .enrolment, "/enrolments/\(enrolment)/accept", token: token)
                    }
                    return (message, nil)
                }
            }
        }
    }

    private func teacherRow(
        _ enrolment: EnrolmentAnswer, session: SessionAnswer?, token: String
    ) async throws
        -> TeacherPage.Enrolment
    {
        var actions: [TeacherPage.Action] = []
        let base = "/espace/inscriptions/\(enrolment.id.urlEncoded)"
        switch enrolment.state {
        case "designated":
            if enrolment.acceptanceRequired {
                actions.append(.init(path: "\(base)/accept", label: "Accepter", secondary: false))
            }
            actions.append(.init(path: "\(base)/withdraw", label: "Décliner", secondary: true))
        case "applied", "waitlisted", "approved":
            actions.append(.init(path: "\(base)/withdraw", label: "Se retirer", secondary: true))
        default: break
        }
        var row = TeacherPage.Enrolment(
            id: enrolment.id, title: session?.title ?? "Session \(enrolment.sessionID)",
            courseHref: session.map { "/catalogue/\($0.course.courseID.urlEncoded)" } ?? "/catalogue",
            state: Labels.enrolmentState(enrolment.state), stateCode: enrolment.state,
            waitlistPosition: enrolment.waitlistPosition,
            place: session.map { s in
                [
                    s.district ?? s.pafModule,
                    "du \(Labels.date(s.calendar.startsAt)) au \(Labels.date(s.calendar.endsAt))",
                ]
                .compactMap { $0 }.joined(separator: ", ")
            } ?? "",
            actions: actions, tracked: false, percent: 0, progressLabel: "", steps: [], completed: false,
            progressUnavailable: nil)
        guard ["approved", "completed"].contains(enrolment.state) else { return row }
        let progress = try await Self.section {
            try await client.get(
                .tracking, "/enrolments/\(enrolment.id.urlEncoded)/progress", token: token, as: ProgressAnswer.self)
        }
        row.progressUnavailable = progress.unavailable
        // Until tracking has the course version's plan (its event is on its way), there is nothing to show yet.
        if let progress = progress.value, !progress.activities.isEmpty {
            row.tracked = true
            row.percent = progress.percentRequiredDone
            row.completed = progress.completion != nil
            row.progressLabel =
                "\(progress.requiredDone) activité\(progress.requiredDone > 1 ? "s" : "") obligatoire\(progress.requiredDone > 1 ? "s" : "") sur \(progress.requiredTotal), \(Labels.seconds(progress.secondsSpent)) passées"
            row.steps = progress.activities.map {
                .init(
                    title: $0.title, kind: Labels.activityKind($0.kind), done: $0.done,
                    time: Labels.seconds($0.secondsSpent),
                    score: $0.bestScore.map { "meilleur score \(Int(($0 * 100).rounded())) %" },
                    attendance: $0.attendance.map(Labels.attendance))
            }
        } else if row.progressUnavailable == nil {
            row.progressUnavailable = "Le suivi de ce parcours commence dans un instant."
        }
        return row
    }
}
