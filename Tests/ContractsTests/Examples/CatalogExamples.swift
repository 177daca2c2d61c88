import Contracts

extension CoursePublished: ExampleEvent {
    static var example: CloudEvent<CoursePublished> {
        Example.envelope(
            id: "0b7e2c1a-5d4f-4e8b-a3c6-9f1d2e7b4a60", time: "2025-08-28T09:15:00.412Z",
            CoursePublished(
                courseID: Example.courseID,
                version: 1,
                title: "Enseigner la résolution de problèmes au cycle 2",
                summary: "Ce parcours hybride accompagne les professeurs des écoles dans l'enseignement explicite "
                    + "de la résolution de problèmes arithmétiques, de la modélisation en barres à l'analyse "
                    + "de productions d'élèves.",
                objectives: [
                    "Identifier les catégories de problèmes additifs et multiplicatifs",
                    "Mettre en œuvre un enseignement explicite de la modélisation",
                    "Analyser des productions d'élèves pour différencier l'accompagnement",
                ],
                keywords: ["mathématiques", "résolution de problèmes", "cycle 2", "modélisation"],
                domain: "Mathématiques",
                audience: Audience(
                    schoolLevels: [.primary], disciplines: ["Mathématiques"], gradeLevels: ["CP", "CE1", "CE2"]),
                origin: .academy(Example.academy, sharedNationally: true),
                nature: .tutored,
                activities: [
                    ActivitySnapshot(
                        id: "act-01", title: "Pourquoi modéliser ? Conférence de lancement", kind: .video,
                        grouping: .individual, modality: .distance, estimatedMinutes: 30, required: true),
                    ActivitySnapshot(
                        id: "act-02", title: "Auto-positionnement : les catégories de problèmes",
                        kind: .selfAssessmentQuiz, grouping: .individual, modality: .distance, estimatedMinutes: 20,
                        required: true, passThreshold: 0.7,
                        trainerNotes: "Le quiz peut être repassé ; le meilleur score est retenu."),
                    ActivitySnapshot(
                        id: "act-03", title: "Classe virtuelle : la modélisation en barres", kind: .virtualClass,
                        grouping: .collective, modality: .distance, estimatedMinutes: 60, required: true,
                        trainerNotes: "Faire résoudre deux problèmes en direct avant de présenter le schéma."),
                    ActivitySnapshot(
                        id: "act-04", title: "Regroupement en circonscription : analyse de productions d'élèves",
                        kind: .inPersonMeeting, grouping: .collective, modality: .inPerson, estimatedMinutes: 180,
                        required: true),
                    ActivitySnapshot(
                        id: "act-05", title: "Analyse d'une séance filmée en CE1", kind: .sequenceAnalysis,
                        grouping: .individual, modality: .distance, estimatedMinutes: 45, required: false,
                        moveOn: .completed, minimumMinutes: 30),
                    ActivitySnapshot(
                        id: "act-08", title: "Analyse d'une séance filmée en CE2", kind: .sequenceAnalysis,
                        grouping: .individual, modality: .distance, estimatedMinutes: 45, required: false,
                        moveOn: .completed, minimumMinutes: 30),
                    ActivitySnapshot(
                        id: "act-06", title: "Forum d'échanges de pratiques", kind: .forum, grouping: .collective,
                        modality: .distance, estimatedMinutes: 30, required: false),
                    ActivitySnapshot(
                        id: "act-07", title: "Banque de problèmes pour la classe", kind: .resource,
                        grouping: .individual, modality: .distance, estimatedMinutes: 15, required: false),
                ],
                trainerNotes: "Prévoir une salle équipée pour le regroupement ; constituer des groupes de quatre "
                    + "par niveau de classe.",
                owner: CourseOwner(organisation: "EAFC de l'académie de Lyon", designerID: Example.designerID),
                derivedFrom: Example.sourceCourse,
                publishedAt: Example.date("2025-08-28T09:15:00.000Z"),
                distanceMinutes: 245,
                inPersonMinutes: 180,
                durationBucket: DurationBucket(totalMinutes: 425),
                completionGroups: [
                    CompletionGroup(
                        id: "analyses", title: "Une analyse de séance au choix", activityIDs: ["act-05", "act-08"],
                        minimum: 1)
                ]))
    }
}

extension CourseArchived: ExampleEvent {
    static var example: CloudEvent<CourseArchived> {
        Example.envelope(
            id: "6a2f8e14-7c3b-4d95-b0e1-c8d47f2a9b35", time: "2026-07-03T16:00:00.118Z",
            CourseArchived(
                courseID: Example.courseID, archivedAt: Example.date("2026-07-03T16:00:00.000Z"),
                reason: "Remplacé par le parcours « Résolution de problèmes, cycles 2 et 3 »."))
    }
}

extension CourseRulesRevised: ExampleEvent {
    static var example: CloudEvent<CourseRulesRevised> {
        Example.envelope(
            id: "catalog-rules-8f14e45f-ceea-4e6b-9a3c-2d7b5e0f6a11-1-2", time: "2025-11-03T10:12:44.318Z",
            CourseRulesRevised(
                courseID: Example.courseID, version: 1, rulesRevision: 2,
                activities: [
                    .init(activityID: "act-01", required: true),
                    .init(activityID: "act-02", required: true, passThreshold: 0.6, moveOn: .passed),
                    .init(activityID: "act-03", required: false, moveOn: .completed),
                    .init(activityID: "act-04", required: true),
                    .init(activityID: "act-05", required: false, moveOn: .completed, minimumMinutes: 20),
                    .init(activityID: "act-06", required: false),
                    .init(activityID: "act-07", required: false, moveOn: .notApplicable),
                    .init(activityID: "act-08", required: false, moveOn: .completed, minimumMinutes: 20),
                ],
                completionGroups: [
                    CompletionGroup(
                        id: "analyses", title: "Une analyse de séance au choix", activityIDs: ["act-05", "act-08"],
                        minimum: 1)
                ],
                reason: "Le seuil du quiz était trop exigeant ; la classe virtuelle devient facultative.",
                designerID: Example.designerID, revisedAt: Example.date("2025-11-03T10:12:44.290Z")))
    }
}
