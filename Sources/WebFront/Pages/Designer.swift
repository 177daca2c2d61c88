import Foundation
import Hummingbird
import ServiceSupport

/// The designer's pages: the drafts of their offer, a new course, editing a draft's content and activities,
/// publishing it (a draft changed by someone else meanwhile is refused and shown as such), and deriving a
/// published course into their own offer.
extension Pages {
    struct DesignerDeskPage: Sendable {
        struct Line: Sendable {
            var title: String
            var href: String
            var state: String
            var issues: String?
        }
        var offer: String
        var drafts: [Line]
    }

    /// The content form, for a new course or a draft.
    struct ContentForm: Sendable {
        var action: String
        var revision: Int
        var title: String
        var summary: String
        var objectives: String
        var keywords: String
        var domain: String
        var primary: Bool
        var secondary: Bool
        var disciplines: String
        var gradeLevels: String
        var tutored: Bool
        var organisation: String
        var shared: Bool
        var academyOffer: Bool
        var submit: String
    }

    struct DraftPage: Sendable {
        struct Activity: Sendable {
            var id: String
            var title: String
            var kind: String
            var modality: String
            var duration: String
            var required: Bool
            var threshold: String?
            var removePath: String
        }
        struct Kind: Sendable {
            var value: String
            var label: String
        }
        var courseID: String
        var title: String
        var state: String
        var revision: Int
        var published: Bool
        var catalogueHref: String
        var form: ContentForm
        var activities: [Activity]
        var kinds: [Kind]
        var issues: [String]
        var publishable: Bool
    }

    func addDesignerPages(to router: Router<BasicRequestContext>) {
        router.get("/conception") { request, _ in
            try await signedIn(request, [.designer]) { visitor, token in
                let drafts = try await client.get(.catalog, "/drafts", token: token, as: DraftListAnswer.self).drafts
                return try render(
                    "designer", "Conception de parcours", visitor, request,
                    DesignerDeskPage(
                        offer: Self.offerName(visitor),
                        drafts: drafts.map { draft in
                            .init(
                                title: draft.content?.title ?? draft.courseID,
                                href: "/conception/\(draft.courseID.urlEncoded)",
                                state: draft.basedOnVersion == 0
                                    ? "jamais publié" : "modifications en cours sur la version \(draft.basedOnVersion)",
                                issues: draft.publicationIssues.isEmpty
                                    ? nil : "\(draft.publicationIssues.count) point(s) à compléter avant publication")
                        }))
            }
        }
        router.get("/conception/nouveau") { request, _ in
            try await signedIn(request, [.designer]) { visitor, _ in
                try render(
                    "designer-new", "Nouveau parcours", visitor, request,
                    Self.contentForm(
                        nil, action: "/conception", revision: 0, visitor: visitor, submit: "Créer le brouillon"))
            }
        }
        router.post("/conception") { request, _ in
            try await formPost(request, back: "/conception/nouveau", [.designer]) { form, visitor, token in
                var content = Self.content(form, visitor: visitor)
                content["activities"] = [Any]()
                let body = try await client.send(
                    .POST, .catalog, "/courses", token: token, text: try Self.json(content))
                let draft = try ServiceClient.decode(DraftAnswer.self, body, .catalog)
                return (
                    "Le brouillon est créé : ajoutez ses activités, puis publiez-le.",
                    "/conception/\(draft.courseID.urlEncoded)"
                )
            }
        }
        router.get("/conception/{id}") { request, context in
            let id = try Self.identifier(context)
            return try await signedIn(request, [.designer]) { visitor, token in
                let draft = try await client.get(.catalog, "/courses/\(id)/draft", token: token, as: DraftAnswer.self)
                return try render(
                    "draft", draft.content?.title ?? id, visitor, request, Self.draftPage(draft, visitor: visitor))
            }
        }
        // Saving the content: the draft as the service has it, the form's fields over it, sent back with the
        // revision the form was made from — a change by someone else meanwhile is refused (412), not overwritten.
        router.post("/conception/{id}") { request, context in
            let id = try Self.identifier(context)
            return try await formPost(request, back: "/conception/\(id)", [.designer]) { form, visitor, token in
                let current = try await client.call(.GET, .catalog, "/courses/\(id)/draft", token: token)
                guard let document = try JSONSerialization.jsonObject(with: Data(buffer: current)) as? [String: Any],
                    var content = document["content"] as? [String: Any]
                else { throw InvalidForm(lines: ["Ce parcours n'a pas de contenu modifiable."]) }
                for (key, value) in Self.content(form, visitor: visitor) where key != "origin" { content[key] = value }
                try await client.send(
                    .PUT, .catalog, "/courses/\(id)/draft", token: token, text: try Self.json(content),
                    ifMatch: Self.ifMatch(form))
                return ("Le brouillon est enregistré.", nil)
            }
        }
        router.post("/conception/{id}/activites") { request, context in
            let id = try Self.identifier(context)
            return try await formPost(request, back: "/conception/\(id)", [.designer]) { form, _, token in
                try await client.send(
                    .POST, .catalog, "/courses/\(id)/draft/activities", token: token,
                    text: try Self.json(try Self.activity(form)),
                    ifMatch: Self.ifMatch(form))
                return ("L'activité est ajoutée.", "/conception/\(id)#activites")
            }
        }
        router.post("/conception/{id}/activites/{activity}/retirer") { request, context in
            let id = try Self.identifier(context)
            let activity = try Self.identifier(context, "activity")
            return try await formPost(request, back: "/conception/\(id)", [.designer]) { form, _, token in
                try await client.send(
                    .DELETE, .catalog, "/courses/\(id)/draft/activities/\(activity)", token: token,
                    ifMatch: Self.ifMatch(form))
                return ("L'activité est retirée.", "/conception/\(id)#activites")
            }
        }
        router.post("/conception/{id}/publier") { request, context in
            let id = try Self.identifier(context)
            return try await formPost(request, back: "/conception/\(id)", [.designer]) { form, _, token in
                do {
                    let body = try await client.send(
                        .POST, .catalog, "/courses/\(id)/publish", token: token, ifMatch: Self.ifMatch(form))
                    struct Published: Decodable { var version: Int }
                    let version = try ServiceClient.decode(Published.self, body, .catalog).version
                    return ("La version \(version) est publiée.", "/catalogue/\(id)")
                } catch let problem as APIProblem where problem.status == 412 {
                    throw InvalidForm(lines: [
                        "Le brouillon a changé depuis que vous avez ouvert cette page (révision \(form["revision"] ?? "?") ; il en est à une révision plus récente) : rien n'a été publié. Relisez-le, puis publiez à nouveau."
                    ])
                }
            }
        }
        router.post("/catalogue/{id}/deriver") { request, context in
            let id = try Self.identifier(context)
            return try await formPost(request, back: "/catalogue/\(id)", [.designer]) { form, visitor, token in
                struct Derive: Encodable {
                    struct Origin: Encodable {
                        var kind: String
                        var academy: String?
                        var sharedNationally: Bool
                    }
                    struct Owner: Encodable { var organisation: String }
                    var origin: Origin
                    var owner: Owner
                    var title: String?
                }
                let academy = visitor.caller?.academy
                let body = try await client.send(
                    .POST, .catalog, "/courses/\(id)/derive", token: token,
                    json: Derive(
                        origin: .init(
                            kind: academy == nil ? "national" : "academy", academy: academy, sharedNationally: false),
                        owner: .init(organisation: Self.offerName(visitor)), title: form.text("title")))
                let draft = try ServiceClient.decode(DraftAnswer.self, body, .catalog)
                return (
                    "Le parcours est contextualisé : adaptez le brouillon, puis publiez-le.",
                    "/conception/\(draft.courseID.urlEncoded)"
                )
            }
        }
    }

    static func offerName(_ visitor: Visitor) -> String {
        visitor.caller?.academy.map { "Académie de \($0.capitalizedFirst)" } ?? "Offre nationale"
    }

    static func ifMatch(_ form: Form) throws -> String {
        guard let revision = form["revision"].flatMap(Int.init), revision >= 0 else {
            throw InvalidForm(lines: [
                "Le formulaire ne dit pas de quelle révision du brouillon il part : rechargez la page."
            ])
        }
        return "\"\(revision)\""
    }

    static func json(_ object: Any) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    static func list(_ text: String?, separator: Character) -> [String] {
        (text ?? "").split(separator: separator).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .filter { !$0.isEmpty }
    }

    /// The course's content as the form gives it, as the catalog's JSON; the origin is the designer's own offer.
    static func content(_ form: Form, visitor: Visitor) -> [String: Any] {
        let academy = visitor.caller?.academy
        var levels: [String] = []
        if form["primary"] == "true" { levels.append("primary") }
        if form["secondary"] == "true" { levels.append("secondary") }
        var origin: [String: Any] = ["kind": academy == nil ? "national" : "academy"]
        if let academy {
            origin["academy"] = academy
            origin["sharedNationally"] = form["shared"] == "true"
        }
        return [
            "title": form.text("title") ?? "", "summary": form.text("summary") ?? "",
            "objectives": list(form["objectives"], separator: "\n"), "keywords": list(form["keywords"], separator: ","),
            "domain": form.text("domain") ?? "",
            "audience": [
                "schoolLevels": levels, "disciplines": list(form["disciplines"], separator: ","),
                "gradeLevels": list(form["gradeLevels"], separator: ","),
            ],
            "nature": form["nature"] == "selfPaced" ? "selfPaced" : "tutored", "origin": origin,
            "owner": ["organisation": form.text("organisation") ?? offerName(visitor)],
        ]
    }

    static let activityKinds = [
        "video", "sequenceAnalysis", "selfAssessmentQuiz", "forum", "resource", "virtualClass", "collectivePreparation",
        "inPersonMeeting",
    ]

    static func activity(_ form: Form) throws -> [String: Any] {
        var problems: [String] = []
        let title = form.text("activityTitle")
        if title == nil { problems.append("« Titre de l'activité » : indiquez un titre.") }
        let kind = form["kind"].flatMap { activityKinds.contains($0) ? $0 : nil }
        if kind == nil { problems.append("« Type » : choisissez un type d'activité.") }
        let minutes = Int(form.text("minutes") ?? "")
        if minutes == nil { problems.append("« Durée estimée » : un nombre de minutes.") }
        var threshold: Double?
        if let text = form.text("threshold") {
            if let percent = Int(text), (1...100).contains(percent) {
                threshold = Double(percent) / 100
            } else {
                problems.append("« Seuil de réussite » : un pourcentage de 1 à 100.")
            }
        }
        guard problems.isEmpty, let title, let kind, let minutes else { throw InvalidForm(lines: problems) }
        let inPerson = kind == "inPersonMeeting"
        let collective = ["inPersonMeeting", "virtualClass", "forum", "collectivePreparation"].contains(kind)
        var activity: [String: Any] = [
            "title": title, "kind": kind, "estimatedMinutes": minutes, "required": form["required"] == "true",
            "modality": inPerson ? "inPerson" : "distance", "grouping": collective ? "collective" : "individual",
        ]
        if let threshold { activity["passThreshold"] = threshold }
        return activity
    }

    static func contentForm(
        _ content: DraftAnswer.Content?, action: String, revision: Int, visitor: Visitor, submit: String
    ) -> ContentForm {
        ContentForm(
            action: action, revision: revision, title: content?.title ?? "", summary: content?.summary ?? "",
            objectives: (content?.objectives ?? []).joined(separator: "\n"),
            keywords: (content?.keywords ?? []).joined(separator: ", "), domain: content?.domain ?? "",
            primary: content?.audience.schoolLevels.contains("primary") ?? true,
            secondary: content?.audience.schoolLevels.contains("secondary") ?? false,
            disciplines: (content?.audience.disciplines ?? []).joined(separator: ", "),
            gradeLevels: (content?.audience.gradeLevels ?? []).joined(separator: ", "),
            tutored: content.map { $0.nature == "tutored" } ?? true,
            organisation: content?.owner.organisation ?? offerName(visitor), shared: false,
            academyOffer: visitor.caller?.academy != nil, submit: submit)
    }

    static func draftPage(_ draft: DraftAnswer, visitor: Visitor) -> DraftPage {
        let base = "/conception/\(draft.courseID.urlEncoded)"
        let state =
            draft.basedOnVersion == 0
            ? "Brouillon jamais publié"
            : draft.pendingChanges
                ? "Version \(draft.basedOnVersion) publiée ; modifications en cours"
                : "Version \(draft.basedOnVersion) publiée, sans modification"
        return DraftPage(
            courseID: draft.courseID, title: draft.content?.title ?? draft.courseID, state: state,
            revision: draft.revision,
            published: draft.basedOnVersion > 0, catalogueHref: "/catalogue/\(draft.courseID.urlEncoded)",
            form: contentForm(
                draft.content, action: base, revision: draft.revision, visitor: visitor,
                submit: "Enregistrer le brouillon"),
            activities: (draft.content?.activities ?? []).map { activity in
                .init(
                    id: activity.id, title: activity.title, kind: Labels.activityKind(activity.kind),
                    modality: Labels.value("modality", activity.modality),
                    duration: Labels.minutes(activity.estimatedMinutes),
                    required: activity.required,
                    threshold: activity.passThreshold.map { "\(Int(($0 * 100).rounded())) %" },
                    removePath: "\(base)/activites/\(activity.id.urlEncoded)/retirer")
            },
            kinds: activityKinds.map { .init(value: $0, label: Labels.activityKind($0)) },
            issues: draft.publicationIssues.map { "« \($0.field) » : \($0.problem)" },
            publishable: draft.publicationIssues.isEmpty && (draft.pendingChanges || draft.basedOnVersion == 0))
    }
}
