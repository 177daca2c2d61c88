import Contracts
import Foundation
import NIOCore
import NIOPosix
import ServiceSupport

/// Fills a running catalogue with published courses through its public API, as designers would: for each course
/// a `POST /courses` with a complete draft, then `POST /courses/{id}/publish`, each with a designer token of
/// the course's offer (the national offer or one academy's).
///
/// The courses are generated from their number, so that a run is reproducible and its queries have known
/// answers: varied titles, keywords, domains, school levels, origins, natures and activities (hence every
/// modality and duration class). Made for the catalogue's read benchmark (10,000 courses); every course
/// costs the catalogue exactly what a designer's publication costs (store transaction, outbox event, search
/// index, in-memory catalogue update).
public struct CatalogueSeeding: Sendable {
    public let catalog: LoopbackTarget
    public let courses: Int
    public let connections: Int
    /// Prefixes the designers' ids and appears in every title, so that two runs never collide.
    public let runID: String
    let tokens: TokenIssuer
    let log: @Sendable (String) -> Void

    public init(
        catalog: LoopbackTarget, courses: Int, connections: Int, runID: String, tokens: TokenIssuer,
        log: @escaping @Sendable (String) -> Void
    ) {
        self.catalog = catalog
        self.courses = courses
        self.connections = connections
        self.runID = runID
        self.tokens = tokens
        self.log = log
    }

    /// The two phases, creation then publication; throws when a course could not be created or published.
    public func run() async throws -> [PhaseReport] {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        do {
            let phases = try await run(on: group)
            try? await group.shutdownGracefully()
            return phases
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    private func run(on group: MultiThreadedEventLoopGroup) async throws -> [PhaseReport] {
        let load = HTTPLoad(target: catalog, group: group)
        var designers: [String: String] = [:]
        for academy in [nil] + Self.academies.map(Optional.some) {
            let subject = "lg-\(runID)-designer-\(academy ?? "national")"
            designers[academy ?? ""] = try await tokens.token(
                subject: subject, roles: [.designer], academy: academy ?? "national", lifetime: 4 * 3600)
        }
        let drafts = (0..<courses).map { Self.draft(number: $0, run: runID) }
        let creations = drafts.map { draft in
            PreparedRequest(
                method: "POST", path: "/courses", target: catalog, bearer: designers[draft.academy ?? ""],
                json: draft.json)
        }
        log("catalogue: creating \(courses) courses over \(connections) connections")
        let (created, createdAnswers) = await load.answeredPhase(
            "seed: create courses", creations, connections: connections)
        var ids: [String] = []
        ids.reserveCapacity(courses)
        for (number, answer) in createdAnswers.enumerated() {
            guard answer.status == 201,
                let object = try? JSONSerialization.jsonObject(with: Data(answer.body)) as? [String: Any],
                let id = object["courseID"] as? String
            else {
                throw CampaignError(
                    "POST /courses for course \(number) answered \(answer.status): "
                        + String(decoding: answer.body.prefix(400), as: UTF8.self))
            }
            ids.append(id)
        }
        let publications = zip(ids, drafts).map { id, draft in
            PreparedRequest(
                method: "POST", path: "/courses/\(id)/publish", target: catalog, bearer: designers[draft.academy ?? ""])
        }
        log("catalogue: publishing \(courses) courses")
        let (published, publishedAnswers) = await load.answeredPhase(
            "seed: publish courses", publications, connections: connections)
        if let failed = publishedAnswers.firstIndex(where: { $0.status != 201 }) {
            let answer = publishedAnswers[failed]
            throw CampaignError(
                "POST /courses/\(ids[failed])/publish answered \(answer.status): "
                    + String(decoding: answer.body.prefix(400), as: UTF8.self))
        }
        return [created, published]
    }

    /// Sends `requests` over the connections, round robin, and returns the phase and each answer in order.

    // MARK: - The generated offer

    /// The academies whose offers get courses beside the national offer.
    public static let academies = ["lyon", "grenoble", "versailles", "creteil", "aix-marseille", "lille", "rennes"]

    /// Training domains, with words that go into titles and keywords.
    static let domains: [(name: String, topics: [String])] = [
        ("Français", ["lecture", "écriture", "grammaire", "orthographe", "compréhension", "oral", "vocabulaire"]),
        ("Mathématiques", ["numération", "calcul mental", "géométrie", "fractions", "problèmes", "algèbre"]),
        ("Sciences", ["démarche d'investigation", "expérimentation", "vivant", "énergie", "matière"]),
        ("Histoire-géographie", ["chronologie", "cartographie", "patrimoine", "citoyenneté", "mémoire"]),
        ("Langues vivantes", ["anglais", "allemand", "espagnol", "oral en langue étrangère", "interculturel"]),
        ("Numérique", ["numérique", "programmation", "données", "intelligence artificielle", "ENT"]),
        ("Éducation physique", ["natation", "jeux collectifs", "savoir rouler", "santé", "activité physique"]),
        ("Arts", ["chant choral", "arts plastiques", "éducation musicale", "théâtre", "images"]),
        ("École inclusive", ["inclusion", "troubles dys", "adaptation", "PAP", "AESH", "différenciation"]),
        ("Évaluation", ["évaluation", "compétences", "feedback", "auto-évaluation", "positionnement"]),
        ("Vie scolaire", ["climat scolaire", "harcèlement", "laïcité", "égalité filles-garçons", "orientation"]),
        ("Pilotage", ["projet d'école", "conseil pédagogique", "formation de formateurs", "tutorat", "accueil"]),
    ]

    static let openings = [
        "Enseigner", "Faire progresser les élèves en", "Construire une séquence de", "Évaluer en",
        "Différencier en", "Débuter en", "Approfondir", "Accompagner les élèves en", "Le numérique au service de",
        "Travailler en équipe sur",
    ]

    static let activityKinds: [(kind: String, grouping: String, modality: String)] = [
        ("video", "individual", "distance"), ("sequenceAnalysis", "individual", "distance"),
        ("virtualClass", "collective", "distance"), ("forum", "collective", "distance"),
        ("resource", "individual", "distance"), ("collectivePreparation", "collective", "distance"),
        ("inPersonMeeting", "collective", "inPerson"), ("selfAssessmentQuiz", "individual", "distance"),
    ]

    /// The draft of course `number`: its offer (nil for the national offer) and its JSON.
    static func draft(number: Int, run: String) -> (academy: String?, json: String) {
        // A fixed mixing of the number, so that neighbouring courses differ in every facet.
        var state = UInt64(number) &* 0x9E37_79B9_7F4A_7C15 &+ 0x632B_E59B_D9B4_E019
        func next(_ bound: Int) -> Int {
            state ^= state >> 29
            state = state &* 0xBF58_476D_1CE4_E5B9
            state ^= state >> 32
            return Int(state % UInt64(bound))
        }
        let domain = domains[next(domains.count)]
        let topic = domain.topics[next(domain.topics.count)]
        let other = domain.topics[next(domain.topics.count)]
        let opening = openings[next(openings.count)]
        let academy: String? = next(10) < 3 ? nil : academies[next(academies.count)]
        let levels = [#""primary""#, #""secondary""#, #""primary","secondary""#][next(3)]
        let nature = next(3) == 0 ? "selfPaced" : "tutored"
        let title = "\(opening) \(topic) (\(domain.name.lowercased()), parcours \(number + 1))"
        var activities: [String] = []
        let inPersonWanted = next(3)  // 0: none (distance), 1: some (hybrid), 2: only in person
        let count = 2 + next(5)
        for index in 1...count {
            var (kind, grouping, modality) = activityKinds[next(activityKinds.count - 1)]
            if inPersonWanted == 2 || (inPersonWanted == 1 && index == count) {
                (kind, grouping, modality) = activityKinds[6]
            } else if kind == "inPersonMeeting" {
                (kind, grouping, modality) = activityKinds[0]
            }
            let minutes = [20, 30, 45, 60, 90, 120, 180][next(7)]
            let threshold = kind == "selfAssessmentQuiz" ? #","passThreshold":0.7"# : ""
            activities.append(
                #"{"id":"a\#(index)","title":"\#(topic.capitalized) : étape \#(index)","kind":"\#(kind)","grouping":"\#(grouping)","modality":"\#(modality)","estimatedMinutes":\#(minutes)\#(threshold)}"#
            )
        }
        let origin =
            academy.map { #"{"kind":"academy","academy":"\#($0)","sharedNationally":\#(next(2) == 0)}"# }
            ?? #"{"kind":"national","sharedNationally":true}"#
        let json = """
            {"title":"\(title)","summary":"Un parcours pour \(topic) et \(other) en \(domain.name.lowercased()) \
            : apports, analyse de pratiques et mise en œuvre en classe.","objectives":["Mettre en œuvre \(topic) \
            en classe","Analyser ses pratiques de \(other)"],"keywords":["\(topic)","\(other)","\(run)"],\
            "domain":"\(domain.name)","audience":{"schoolLevels":[\(levels)],"disciplines":["\(domain.name)"],\
            "gradeLevels":[]},"origin":\(origin),"nature":"\(nature)","owner":{"organisation":"\
            \(academy.map { "Académie de \($0)" } ?? "DGESCO")"},"activities":[\(activities.joined(separator: ","))]}
            """
        return (academy, json)
    }
}
