import Contracts
import Foundation
import ServiceSupport

/// What a popular session's rush did to its seats, as the enrolment API tells it afterwards.
public struct SeatCheck: Codable, Sendable {
    /// How teachers came in: `open` (they enrol themselves) or `application` (they apply, then the manager
    /// approves every application at once).
    public var mode: String
    public var sessionID: String
    public var capacity: Int
    public var teachers: Int
    /// Enrolments in each state, from `GET /sessions/{id}/enrolments` after the rush.
    public var states: [String: Int]
    /// The session's own seat count (`GET /sessions/{id}`).
    public var seatsTaken: Int
    public var seatsWaitlisted: Int
    /// Answers of the deciding requests (the enrolments in `open` mode, the approvals in `application` mode)
    /// that said `approved`.
    public var answeredApproved: Int
    /// Waiting-list positions given, 1 to (teachers − capacity) each once.
    public var waitlistPositionsDistinct: Bool
    /// What contradicts the domain's rules, if anything: seats beyond capacity, a seat left free while teachers
    /// wait, an enrolment neither approved nor waitlisted.
    public var problems: [String]
}

/// Many teachers rushing into one session with few seats, all at once: capacity must never be exceeded, and
/// everyone else must wait in line (first come, first served).
///
/// Two rushes, each on a session of its own scheduled and opened by the academy's manager:
/// - **open** enrolment: every teacher posts `POST /sessions/{id}/enrolments` at once; the first `capacity`
///   get a seat (`approved`), the others are `waitlisted`;
/// - **application**: every teacher applies at once (`applied`), then the manager approves every application at
///   once; approvals past capacity put the teacher on the waiting list.
/// Afterwards the seats are read back through the API and checked against the rules.
struct PopularSession {
    let configuration: CampaignConfiguration
    let tokens: TokenIssuer
    let enrolment: HTTPLoad
    let courseID: String
    let manager: String
    let trainerID: String
    let log: @Sendable (String) -> Void

    private var run: String { configuration.runID }

    func rush() async throws -> (phases: [PhaseReport], checks: [SeatCheck]) {
        let teachers = configuration.popularTeachers
        let capacity = configuration.popularCapacity
        var tokensByTeacher: [(id: String, token: String)] = []
        tokensByTeacher.reserveCapacity(teachers)
        for number in 0..<teachers {
            let id = String(format: "lg-\(run)-p%06d", number)
            tokensByTeacher.append(
                (
                    id,
                    try await tokens.token(
                        subject: id, roles: [.participant], academy: configuration.academy,
                        lifetime: configuration.tokenLifetime)
                ))
        }
        var phases: [PhaseReport] = []
        var checks: [SeatCheck] = []

        // Open enrolment: the seat is decided by the teacher's own request.
        let open = try await session(mode: "open", capacity: capacity)
        let enrolments = tokensByTeacher.map {
            PreparedRequest(
                method: "POST", path: "/sessions/\(open)/enrolments", target: enrolment.target, bearer: $0.token)
        }
        log("popular session \(open): \(teachers) teachers enrol at once for \(capacity) seats")
        let (enrolled, enrolledAnswers) = await enrolment.answeredPhase(
            "popular session: \(teachers) enrol (open)", enrolments, connections: configuration.popularConnections)
        phases.append(enrolled)
        checks.append(
            try await check(
                open, mode: "open", capacity: capacity, teachers: teachers, deciding: enrolledAnswers))

        // Applications, then the manager approves them all at once: the seat is decided by the approval.
        let applied = try await session(mode: "application", capacity: capacity)
        let applications = tokensByTeacher.map {
            PreparedRequest(
                method: "POST", path: "/sessions/\(applied)/applications", target: enrolment.target, bearer: $0.token)
        }
        log("popular session \(applied): \(teachers) teachers apply at once, then the manager approves them all")
        let (applying, applicationAnswers) = await enrolment.answeredPhase(
            "popular session: \(teachers) apply", applications, connections: configuration.popularConnections)
        phases.append(applying)
        let enrolmentIDs = applicationAnswers.compactMap { answer -> String? in
            guard answer.status == 201 else { return nil }
            return (try? JSONSerialization.jsonObject(with: Data(answer.body)) as? [String: Any])?["id"] as? String
        }
        let approvals = enrolmentIDs.map {
            PreparedRequest(
                method: "POST", path: "/enrolments/\($0)/approve", target: enrolment.target, bearer: manager)
        }
        let (approving, approvalAnswers) = await enrolment.answeredPhase(
            "popular session: \(enrolmentIDs.count) approvals at once", approvals,
            connections: configuration.popularConnections)
        phases.append(approving)
        checks.append(
            try await check(
                applied, mode: "application", capacity: capacity, teachers: teachers, deciding: approvalAnswers))
        return (phases, checks)
    }

    // MARK: - Steps

    /// Schedules and opens a session of the campaign's course in `mode` with `capacity` seats.
    private func session(mode: String, capacity: Int) async throws -> String {
        let now = Date()
        func day(_ days: Double) -> String { Timestamp.format(now.addingTimeInterval(days * 86_400)) }
        let plan = """
            {"course":{"courseID":"\(courseID)","version":1},"academy":"\(configuration.academy)",\
            "schoolLevel":"primary","district":"Session très demandée","capacity":\(capacity),"mode":"\(mode)",\
            "trainerIDs":["\(trainerID)"],"calendar":{"enrolmentOpensAt":"\(day(0))",\
            "enrolmentClosesAt":"\(day(30))","startsAt":"\(day(31))","endsAt":"\(day(90))","meetings":[]}}
            """
        let scheduled = await enrolment.call([
            PreparedRequest(method: "POST", path: "/sessions", target: enrolment.target, bearer: manager, json: plan)
        ])[0]
        guard scheduled.status == 201, let id = try object(scheduled.body)["id"] as? String else {
            throw CampaignError(
                "POST /sessions (popular, \(mode)) answered \(scheduled.status): \(text(scheduled.body))")
        }
        let opened = await enrolment.call([
            PreparedRequest(method: "POST", path: "/sessions/\(id)/open", target: enrolment.target, bearer: manager)
        ])[0]
        guard opened.status == 200 else {
            throw CampaignError("POST /sessions/\(id)/open answered \(opened.status): \(text(opened.body))")
        }
        return id
    }

    /// Sends every request at once: one connection per request up to the configured number of connections.

    /// Reads the session's seats and enrolments back and checks them against the rules.
    private func check(
        _ sessionID: String, mode: String, capacity: Int, teachers: Int, deciding: [(status: UInt16, body: [UInt8])]
    ) async throws -> SeatCheck {
        let answers = await enrolment.call([
            PreparedRequest(method: "GET", path: "/sessions/\(sessionID)", target: enrolment.target, bearer: manager),
            PreparedRequest(
                method: "GET", path: "/sessions/\(sessionID)/enrolments", target: enrolment.target, bearer: manager),
        ])
        guard answers[0].status == 200, answers[1].status == 200 else {
            throw CampaignError(
                "reading session \(sessionID) back answered \(answers[0].status) and \(answers[1].status)")
        }
        let seats = try object(answers[0].body)["seats"] as? [String: Any] ?? [:]
        let list = try object(answers[1].body)["enrolments"] as? [[String: Any]] ?? []
        var states: [String: Int] = [:]
        var positions: [Int] = []
        for entry in list {
            states[entry["state"] as? String ?? "?", default: 0] += 1
            if let position = entry["waitlistPosition"] as? Int { positions.append(position) }
        }
        let answeredApproved = deciding.filter { answer in
            answer.status / 100 == 2 && (try? object(answer.body))?["state"] as? String == "approved"
        }.count
        let taken = seats["taken"] as? Int ?? -1
        let waitlisted = seats["waitlisted"] as? Int ?? -1
        let expectedApproved = min(capacity, teachers)
        let waiting = teachers - expectedApproved
        let positionsDistinct = positions.sorted() == (waiting > 0 ? Array(1...waiting) : [])
        var problems: [String] = []
        let approved = states["approved", default: 0]
        if approved > capacity || taken > capacity || answeredApproved > capacity {
            problems.append(
                "capacity exceeded: \(approved) approved enrolments, \(taken) seats taken, \(answeredApproved) answers said approved, for \(capacity) seats"
            )
        }
        if approved < expectedApproved {
            problems.append(
                "\(approved) approved while \(teachers) teachers wanted \(capacity) seats: a seat left free")
        }
        if approved != answeredApproved {
            problems.append("\(answeredApproved) answers said approved but \(approved) enrolments are")
        }
        if states["waitlisted", default: 0] != waiting || waitlisted != waiting {
            problems.append(
                "\(states["waitlisted", default: 0]) enrolments waitlisted (the session says \(waitlisted)), expected \(waiting)"
            )
        }
        if list.count != teachers {
            problems.append("\(list.count) enrolments for \(teachers) teachers")
        }
        if !positionsDistinct { problems.append("waiting-list positions are not 1…n each once") }
        return SeatCheck(
            mode: mode, sessionID: sessionID, capacity: capacity, teachers: teachers, states: states,
            seatsTaken: taken, seatsWaitlisted: waitlisted, answeredApproved: answeredApproved,
            waitlistPositionsDistinct: positionsDistinct, problems: problems)
    }

    private func object(_ body: [UInt8]) throws -> [String: Any] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            throw CampaignError("not a JSON object: \(text(body))")
        }
        return object
    }

    private func text(_ body: [UInt8]) -> String { String(decoding: body.prefix(400), as: UTF8.self) }
}
