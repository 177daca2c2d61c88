import GRDB
import ServiceSupport

/// Who may send and read which xAPI statements (issue 7).
///
/// The caller appears in statements as the agent `{"account": {"homePage": "https://magistere.education.gouv.fr",
/// "name": <the token's subject>}}` (``XAPIStatement/agentKey(ofSubject:)``); no other identifier (mbox,
/// openid, another home page) is the caller.
///
/// Sending (POST, PUT), statement by statement; one refused statement refuses the whole request (403) and
/// nothing is stored:
/// - a trainer or tutor assigned to the session of the statement's registration (an enrolment tracking
///   knows) may send any statement about it: a virtual class or an authoring tool reporting for its
///   participants;
/// - anyone else sends their own statements only: the actor is the caller, and a registration tracking
///   knows is the caller's own enrolment;
/// - a voiding statement voids only what its sender could have sent: their own statement, or one of a
///   session they are assigned to.
///
/// Reading (GET): a statement is visible to its actor and to whoever follows the session it was stored
/// under (its trainers and tutors, the managers of its academy: ``TrackingScope/follows(_:)``); a statement
/// under no session (no registration tracking knew) only to its actor. A caller who follows no sessions by
/// role (no trainer, tutor or manager role) may not ask about another agent.
struct StatementScope: Sendable {
    let scope: TrackingScope

    init(caller: Caller) {
        scope = TrackingScope(caller: caller)
    }

    var caller: Caller { scope.caller }

    /// The caller as a statement's actor.
    var agentKey: String { XAPIStatement.agentKey(ofSubject: caller.subject) }

    /// What tracking knows of a statement's registration.
    struct Registration: Sendable {
        var enrolment: EnrolmentRow
        /// Nil while only the enrolment's withdrawal is known.
        var session: SessionRow?
    }

    /// A stored statement that a voiding statement targets.
    struct Target: Sendable {
        var actorKey: String?
        var session: SessionRow?
    }

    // MARK: - Sending

    /// Throws 403 unless the caller may send `statement`; `label` names it in a batch (`statement [2]: `).
    func authoriseSending(_ statement: XAPIStatement, registration: Registration?, label: String) throws {
        if let session = registration?.session, scope.isStaff(of: session) { return }
        guard statement.actorKey == agentKey else {
            throw Problem.forbidden(
                label + "its actor is not you: send your own statements (actor account homePage "
                    + "\(XAPIVocabulary.accountHomePage), name your id); only a trainer or tutor of the "
                    + "registration's session sends statements for others")
        }
        if let enrolment = registration?.enrolment, enrolment.participantID != caller.subject {
            throw Problem.forbidden(label + "registration \(enrolment.enrolmentID) is another participant's enrolment")
        }
    }

    /// Throws 403 unless the caller may void `target` (statement `id`).
    func authoriseVoiding(_ id: String, target: Target, label: String) throws {
        if target.actorKey == agentKey { return }
        if let session = target.session, scope.isStaff(of: session) { return }
        throw Problem.forbidden(
            label + "statement \(id) is not yours to void: only its actor or a trainer or tutor of its session may")
    }

    // MARK: - Reading

    /// Whether the caller may read a statement of `actorKey` stored under `session`.
    func mayRead(actorKey: String?, session: SessionRow?) -> Bool {
        actorKey == agentKey || session.map(scope.follows) == true
    }

    /// Whether the caller may filter on another agent than themself.
    var mayQueryOtherAgents: Bool { caller.has(.trainer) || caller.has(.tutor) || caller.has(.manager) }

    /// ``mayRead(actorKey:session:)`` as a condition on `xapi_statement` rows, over the store's `session`
    /// table (a statement is stored in its session's store).
    var visibleRows: (sql: String, arguments: [any DatabaseValueConvertible]) {
        let sql = """
            (actor_key = ? OR session_id IN (SELECT session_id FROM session WHERE
                (? AND (EXISTS (SELECT 1 FROM json_each(trainer_ids) WHERE value = ?)
                        OR EXISTS (SELECT 1 FROM json_each(tutor_ids) WHERE value = ?)))
                OR (? AND (? IS NULL OR academy = ?))))
            """
        let staff = caller.has(.trainer) || caller.has(.tutor)
        return (
            sql,
            [
                agentKey, staff, caller.subject, caller.subject,
                caller.has(.manager) && (caller.isNational || caller.academy != nil), caller.academy,
                caller.academy,
            ]
        )
    }
}
