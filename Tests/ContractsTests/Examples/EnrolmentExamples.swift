import Contracts

// MARK: - Sessions

extension SessionScheduled: ExampleEvent {
    static var example: CloudEvent<SessionScheduled> {
        Example.envelope(
            id: "9e3b5c71-2a8d-4f60-b1e4-7d2c6a0f8e93", time: "2025-09-10T10:20:00.231Z",
            SessionScheduled(
                sessionID: Example.sessionID,
                course: Example.course,
                academy: Example.academy,
                schoolLevel: .primary,
                district: "Villeurbanne 1",
                pafModule: "25A0100234",
                title: "Résolution de problèmes au cycle 2 — circonscription de Villeurbanne 1",
                calendar: SessionCalendar(
                    enrolmentOpensAt: Example.date("2025-09-15T06:00:00.000Z"),
                    enrolmentClosesAt: Example.date("2025-10-03T22:00:00.000Z"),
                    startsAt: Example.date("2025-10-06T07:00:00.000Z"),
                    endsAt: Example.date("2026-01-30T17:00:00.000Z"),
                    meetings: [
                        ScheduledMeeting(
                            activityID: "act-03", startsAt: Example.date("2025-11-05T16:30:00.000Z"),
                            endsAt: Example.date("2025-11-05T17:30:00.000Z"),
                            place: "Classe virtuelle (lien communiqué par les formateurs)"),
                        ScheduledMeeting(
                            activityID: "act-04", startsAt: Example.date("2025-12-03T08:30:00.000Z"),
                            endsAt: Example.date("2025-12-03T11:30:00.000Z"),
                            place: "École d'application Jean Jaurès, Villeurbanne — salle polyvalente"),
                    ]),
                trainerIDs: Example.trainerIDs,
                tutorIDs: Example.tutorIDs,
                capacity: 24,
                mode: .designation,
                actorID: Example.managerID,
                occurredAt: Example.date("2025-09-10T10:20:00.000Z")))
    }
}

extension SessionOpened: ExampleEvent {
    static var example: CloudEvent<SessionOpened> {
        Example.envelope(
            id: "c4a81f06-3e9d-4b27-8f5a-1d6e0b3c9a74", time: "2025-09-15T06:00:00.507Z",
            SessionOpened(
                sessionID: Example.sessionID, actorID: Example.managerID,
                occurredAt: Example.date("2025-09-15T06:00:00.000Z")))
    }
}

extension SessionStarted: ExampleEvent {
    static var example: CloudEvent<SessionStarted> {
        Example.envelope(
            id: "27d9e0b4-6f1c-4a83-9e5d-b2a7c4f01e68", time: "2025-10-06T07:00:00.093Z",
            SessionStarted(
                sessionID: Example.sessionID, actorID: Example.trainerIDs[0],
                occurredAt: Example.date("2025-10-06T07:00:00.000Z")))
    }
}

extension SessionClosed: ExampleEvent {
    static var example: CloudEvent<SessionClosed> {
        Example.envelope(
            id: "f0e6b3a2-9c4d-4e71-a8b5-3c2d1e0f9a87", time: "2026-01-30T17:00:00.644Z",
            SessionClosed(
                sessionID: Example.sessionID, actorID: Example.managerID,
                occurredAt: Example.date("2026-01-30T17:00:00.000Z")))
    }
}

extension SessionCancelled: ExampleEvent {
    static var example: CloudEvent<SessionCancelled> {
        Example.envelope(
            id: "5b1d7f39-0e2a-4c68-b9f4-6a3e8d2c7b10", time: "2025-10-01T13:42:08.355Z",
            SessionCancelled(
                sessionID: Example.sessionID, actorID: Example.managerID,
                reason: "Nombre de participants insuffisant ; session reportée au second trimestre.",
                occurredAt: Example.date("2025-10-01T13:42:08.000Z")))
    }
}

extension SessionStaffChanged: ExampleEvent {
    static var example: CloudEvent<SessionStaffChanged> {
        Example.envelope(
            id: "c4a9e2d7-1b3f-4e85-9a60-2f7d8b1c5e34", time: "2025-11-12T09:15:30.118Z",
            SessionStaffChanged(
                sessionID: Example.sessionID, academy: Example.academy, trainerIDs: Example.trainerIDs,
                tutorIDs: Example.tutorIDs, actorID: Example.managerID,
                occurredAt: Example.date("2025-11-12T09:15:30.000Z")))
    }
}

extension TrainingPlanPublished: ExampleEvent {
    static var example: CloudEvent<TrainingPlanPublished> {
        Example.envelope(
            id: "5b2e8f41-9c7d-4a36-b0e1-3f6a9d2c7e58", time: "2025-09-08T14:02:11.406Z",
            TrainingPlanPublished(
                academy: Example.academy, district: "Villeurbanne 1", schoolYear: SchoolYear(startYear: 2025),
                version: 2, supersedesVersion: 1,
                answers: [
                    .init(
                        theme: "Résolution de problèmes au cycle 2", domain: "Mathématiques", priority: 1,
                        sessions: [
                            .init(
                                sessionID: Example.sessionID, course: Example.course,
                                startsAt: Example.date("2025-10-06T07:00:00.000Z"), distanceMinutes: 180,
                                inPersonMinutes: 180)
                        ])
                ],
                assignments: [
                    .init(teacherID: Example.participantID, sessionID: Example.sessionID),
                    .init(teacherID: "u-9a8b7c6d5e4f3021", sessionID: Example.sessionID),
                ],
                actorID: "u-7e6d5c4b3a291807", occurredAt: Example.date("2025-09-08T14:02:11.000Z")))
    }
}

extension AcademyPlanPublished: ExampleEvent {
    static var example: CloudEvent<AcademyPlanPublished> {
        Example.envelope(
            id: "0d7c4a92-6e1b-4f38-a5c0-8b2e9f1d3a67", time: "2025-06-30T15:40:02.118Z",
            AcademyPlanPublished(
                academy: Example.academy, schoolYear: SchoolYear(startYear: 2025), version: 3, supersedesVersion: 2,
                modules: [
                    .init(
                        module: "25A0100234",
                        sessions: [
                            .init(
                                sessionID: "7f3e9a21-4c5d-4b8e-9f10-2a6b8c4d0e13", course: Example.course,
                                startsAt: Example.date("2025-11-17T08:00:00.000Z"), distanceMinutes: 360,
                                inPersonMinutes: 360)
                        ])
                ],
                assignments: [
                    .init(teacherID: "u-5c4b3a2918f7e6d0", sessionID: "7f3e9a21-4c5d-4b8e-9f10-2a6b8c4d0e13")
                ],
                actorID: Example.managerID, occurredAt: Example.date("2025-06-30T15:40:02.000Z")))
    }
}

// MARK: - Enrolments

extension EnrolmentApplied: ExampleEvent {
    static var example: CloudEvent<EnrolmentApplied> {
        Example.envelope(
            id: "a7c3e915-4b0d-4f2e-8d61-9e5b2a7c3f08", time: "2025-09-16T18:04:51.720Z",
            EnrolmentApplied(
                enrolmentID: Example.enrolmentID, sessionID: Example.sessionID,
                participantID: Example.participantID, actorID: Example.participantID,
                occurredAt: Example.date("2025-09-16T18:04:51.000Z")))
    }
}

extension EnrolmentDesignated: ExampleEvent {
    static var example: CloudEvent<EnrolmentDesignated> {
        Example.envelope(
            id: "3f8a2d60-7e1b-4c95-a4d3-0b6e9c1f5a27", time: "2025-09-17T08:12:30.046Z",
            EnrolmentDesignated(
                enrolmentID: Example.enrolmentID, sessionID: Example.sessionID,
                participantID: Example.participantID, actorID: Example.managerID, acceptanceRequired: true,
                group: "Groupe B — cycle 2", occurredAt: Example.date("2025-09-17T08:12:30.000Z")))
    }
}

extension EnrolmentApproved: ExampleEvent {
    static var example: CloudEvent<EnrolmentApproved> {
        Example.envelope(
            id: "e2b9c4f7-1a6d-4e08-9c3b-5f7a0d2e8b41", time: "2025-09-18T14:27:03.889Z",
            EnrolmentApproved(
                enrolmentID: Example.enrolmentID, sessionID: Example.sessionID,
                participantID: Example.participantID, academy: Example.academy, course: Example.course,
                schoolLevel: .primary, actorID: Example.managerID,
                occurredAt: Example.date("2025-09-18T14:27:03.000Z")))
    }
}

extension EnrolmentRefused: ExampleEvent {
    static var example: CloudEvent<EnrolmentRefused> {
        Example.envelope(
            id: "8d4f1b2e-6c7a-4390-b5e8-2a9c0f3d7e16", time: "2025-09-18T14:29:45.302Z",
            EnrolmentRefused(
                enrolmentID: Example.enrolmentID, sessionID: Example.sessionID,
                participantID: Example.participantID, actorID: Example.managerID,
                reason: "Le parcours s'adresse aux professeurs de cycle 2 ; une session cycle 3 ouvrira en janvier.",
                occurredAt: Example.date("2025-09-18T14:29:45.000Z")))
    }
}

extension EnrolmentWaitlisted: ExampleEvent {
    static var example: CloudEvent<EnrolmentWaitlisted> {
        Example.envelope(
            id: "1c6e9a3b-8f2d-4b57-a0c4-7e3f5b9d2a68", time: "2025-09-18T14:31:12.570Z",
            EnrolmentWaitlisted(
                enrolmentID: Example.enrolmentID, sessionID: Example.sessionID,
                participantID: Example.participantID, position: 3, actorID: Example.managerID,
                occurredAt: Example.date("2025-09-18T14:31:12.000Z")))
    }
}

extension EnrolmentPromoted: ExampleEvent {
    static var example: CloudEvent<EnrolmentPromoted> {
        Example.envelope(
            id: "b5a0d8e3-2f4c-4a19-8e6b-c1d9f7a3e052", time: "2025-09-29T09:03:44.215Z",
            EnrolmentPromoted(
                enrolmentID: Example.enrolmentID, sessionID: Example.sessionID,
                participantID: Example.participantID, academy: Example.academy, course: Example.course,
                schoolLevel: .primary, actorID: Example.managerID,
                occurredAt: Example.date("2025-09-29T09:03:44.000Z")))
    }
}

extension EnrolmentWithdrawn: ExampleEvent {
    static var example: CloudEvent<EnrolmentWithdrawn> {
        Example.envelope(
            id: "4e7c2a91-5d3b-4f86-b2e0-9a1c6d8f3b74", time: "2025-10-20T19:55:37.681Z",
            EnrolmentWithdrawn(
                enrolmentID: Example.enrolmentID, sessionID: Example.sessionID,
                participantID: Example.participantID, actorID: Example.participantID,
                reason: "Indisponible à la date du regroupement.",
                occurredAt: Example.date("2025-10-20T19:55:37.000Z")))
    }
}

extension EnrolmentCompleted: ExampleEvent {
    static var example: CloudEvent<EnrolmentCompleted> {
        Example.envelope(
            id: "7f3b9d05-0c8e-4a62-9d1f-e4b2a6c8f031", time: "2025-12-10T20:05:31.904Z",
            EnrolmentCompleted(
                enrolmentID: Example.enrolmentID, sessionID: Example.sessionID,
                participantID: Example.participantID, actorID: Example.managerID,
                reason: "Présence au regroupement attestée par la feuille d'émargement.",
                occurredAt: Example.date("2025-12-10T20:05:31.870Z")))
    }
}

extension EnrolmentCompletionRevoked: ExampleEvent {
    static var example: CloudEvent<EnrolmentCompletionRevoked> {
        Example.envelope(
            id: "enrolment-completion-revoked-d3d94468-02a4-43c1-9f5b-6e8a7c2b1f04-1", time: "2025-12-12T08:14:04.120Z",
            EnrolmentCompletionRevoked(
                enrolmentID: Example.enrolmentID, sessionID: Example.sessionID,
                participantID: Example.participantID, cause: "attendance-corrected", revision: 1,
                distanceMinutes: 155, inPersonMinutes: 180, occurredAt: Example.date("2025-12-12T08:14:04.090Z")))
    }
}
