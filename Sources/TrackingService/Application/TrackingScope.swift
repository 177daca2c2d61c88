import ServiceSupport

/// Whose tracking data a caller may see or change (issue 7), decided from the session tracking knows.
///
/// The route's access rule has already checked the caller's roles; this is the finer check on the loaded
/// session and enrolment. A role counts only with its assignment: a trainer or tutor for the sessions
/// whose `trainerIDs` / `tutorIDs` name them (either list: in tracking both record attendance and follow
/// progress), a manager for the sessions of their academy (every academy when the token has none), a
/// participant for their own enrolments.
struct TrackingScope: Sendable {
    let caller: Caller

    /// A trainer or tutor assigned to the session.
    func isStaff(of session: SessionRow) -> Bool {
        (caller.has(.trainer) || caller.has(.tutor)) && session.isStaff(caller.subject)
    }

    /// A manager of the session's academy.
    func manages(_ session: SessionRow) -> Bool {
        caller.has(.manager, inAcademy: session.academy)
    }

    /// The session's staff and its academy's managers follow its progress table and summary.
    func follows(_ session: SessionRow) -> Bool {
        isStaff(of: session) || manages(session)
    }

    /// The enrolment is the caller's own.
    func isParticipant(of enrolment: EnrolmentRow) -> Bool {
        caller.has(.participant) && enrolment.participantID == caller.subject
    }

    /// One enrolment's progress: its participant, and whoever follows its session.
    func mayRead(_ enrolment: EnrolmentRow, of session: SessionRow) -> Bool {
        isParticipant(of: enrolment) || follows(session)
    }
}
