import ServiceSupport

/// The enrolment routes' checks of scope, made by handlers once the route's rule (``EnrolmentAccess``)
/// has let the caller in: the academy a manager acts for, the sessions a trainer or tutor is assigned
/// to, the enrolments and record that are a teacher's own. Each check throws ``Problem/forbidden(_:)``
/// saying what was refused and why.
///
/// - A manager acts for the academy of their token's `academy` claim; a manager without the claim is a
///   national manager and acts for every academy (``Caller/has(_:inAcademy:)``).
/// - A trainer or tutor is assigned to a session when their subject is among its `trainerIDs` or
///   `tutorIDs` and their token holds that role.
/// - What concerns a teacher themselves (their enrolment, their record) is theirs by subject, whatever
///   role let them through the route's rule.
///
/// Handlers check the loaded resource before writing: a session's academy and an enrolment's
/// participant never change once written, so the check still holds when the write commits.
struct EnrolmentScope {
    let caller: Caller

    init(_ caller: Caller) {
        self.caller = caller
    }

    /// Whether the caller manages the sessions of `academy`.
    func manages(_ academy: String) -> Bool {
        caller.has(.manager, inAcademy: academy)
    }

    /// A district's needs and coverage: the academy's managers, and the inspectors whose token names the district.
    func requireDistrict(_ district: String, of academy: String, to action: String) throws {
        guard manages(academy) || caller.inspects(district, inAcademy: academy) else {
            throw Problem.forbidden(
                "only a manager of academy \(academy) or an inspector of district \(district) may \(action)")
        }
    }

    /// Whether the caller leads or accompanies `session`.
    func isAssigned(to session: SessionView) -> Bool {
        (caller.has(.trainer) && session.trainerIDs.contains(caller.subject))
            || (caller.has(.tutor) && session.tutorIDs.contains(caller.subject))
    }

    /// Whether `participantID` is the caller.
    func isSelf(_ participantID: String) -> Bool {
        caller.subject == participantID
    }

    /// Only a manager of `academy` may do `action`.
    func requireManager(of academy: String, to action: String) throws {
        guard manages(academy) else {
            throw Problem.forbidden("only a manager of academy \(academy) may \(action)\(ownAcademy)")
        }
    }

    /// A session's staff reads: its academy's managers and the trainers and tutors assigned to it.
    func requireStaff(of session: SessionView, to action: String) throws {
        guard manages(session.academy) || isAssigned(to: session) else {
            throw Problem.forbidden(
                "only a manager of academy \(session.academy) or a trainer or tutor of session \(session.id) may \(action)"
            )
        }
    }

    /// A teacher comes in by themselves; a manager of the session's academy may bring in anyone.
    func requireEntrant(_ participantID: String, of session: SessionView) throws {
        guard isSelf(participantID) || manages(session.academy) else {
            throw Problem.forbidden(
                "a teacher applies or enrols for themselves only: naming another participant takes a manager of academy \(session.academy)"
            )
        }
    }

    /// A teacher's own enrolment; when `managerMay`, also a manager of the session's academy acting for them.
    func requireOwner(of enrolment: EnrolmentView, in session: SessionView, managerMay: Bool, to action: String) throws
    {
        guard isSelf(enrolment.participantID) || (managerMay && manages(session.academy)) else {
            let others = managerMay ? " or a manager of academy \(session.academy)" : ""
            throw Problem.forbidden("only the enrolment's teacher\(others) may \(action)")
        }
    }

    /// An enrolment is read by its teacher, its session's academy managers, trainers and tutors.
    func requireReader(of enrolment: EnrolmentView, in session: SessionView) throws {
        guard isSelf(enrolment.participantID) || manages(session.academy) || isAssigned(to: session) else {
            throw Problem.forbidden(
                "an enrolment is read by its teacher, a manager of academy \(session.academy) and the staff of its session only"
            )
        }
    }

    /// A teacher's yearly record is theirs alone.
    func requireTeacher(_ teacherID: String) throws {
        guard isSelf(teacherID) else {
            throw Problem.forbidden("a teacher's training record and attestation are read by that teacher only")
        }
    }

    /// "(you manage ac-x)" for a manager of another academy, to make a refusal plain.
    private var ownAcademy: String {
        guard caller.has(.manager), let academy = caller.academy else { return "" }
        return " (you manage academy \(academy))"
    }
}
