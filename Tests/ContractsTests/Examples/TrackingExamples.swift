import Contracts

extension ActivityCompleted: ExampleEvent {
    static var example: CloudEvent<ActivityCompleted> {
        Example.envelope(
            id: "62a4e8c1-9b3f-4d07-a5e2-8c1b7f0d3e96", time: "2025-10-14T19:42:17.402Z",
            ActivityCompleted(
                enrolmentID: Example.enrolmentID, participantID: Example.participantID,
                sessionID: Example.sessionID, course: Example.course, academy: Example.academy,
                activityID: "act-02", activityKind: .selfAssessmentQuiz, modality: .distance, minutesCredited: 20,
                score: 0.85, completedAt: Example.date("2025-10-14T19:42:17.350Z"), ruleVersion: 1))
    }
}

extension CourseCompleted: ExampleEvent {
    static var example: CloudEvent<CourseCompleted> {
        Example.envelope(
            id: "d9c2f6a8-3e1b-4b74-8f0d-5a6c9e2b1f37", time: "2025-12-10T20:05:31.188Z",
            CourseCompleted(
                enrolmentID: Example.enrolmentID, participantID: Example.participantID,
                sessionID: Example.sessionID, course: Example.course, academy: Example.academy,
                schoolLevel: .primary, completedAt: Example.date("2025-12-10T20:05:31.120Z"),
                distanceMinutes: 155, inPersonMinutes: 180,
                criteriaMet: [
                    "required-activities-completed", "group:analyses", "completed:act-01", "passed:act-02",
                    "attended:act-03", "attended:act-04", "completed:act-05", "minimum-time:act-05",
                ],
                ruleVersion: 2, revision: 1, rulesRevision: 2))
    }
}

extension CourseCompletionRevoked: ExampleEvent {
    static var example: CloudEvent<CourseCompletionRevoked> {
        Example.envelope(
            id: "5b0e7d21-8a4c-8f13-9e62-1d7c3a9b4f08", time: "2025-12-12T08:14:03.511Z",
            CourseCompletionRevoked(
                enrolmentID: Example.enrolmentID, participantID: Example.participantID,
                sessionID: Example.sessionID, course: Example.course, academy: Example.academy,
                schoolLevel: .primary, revision: 1, completionEventID: "d9c2f6a8-3e1b-4b74-8f0d-5a6c9e2b1f37",
                distanceMinutes: 155, inPersonMinutes: 180, cause: .attendanceCorrected,
                revokedAt: Example.date("2025-12-12T08:14:03.490Z"), ruleVersion: 2))
    }
}
