import Contracts
import Foundation
import ServiceSupport

/// A teacher of the campaign: designated, accepted, known to tracking, with a token of their own.
public struct CampaignTeacher: Sendable {
    public var id: String
    public var enrolmentID: String
    public var sessionID: String
    public var token: String
}

/// What the preparation created through the public APIs.
public struct PreparedCampaign: Sendable {
    public var courseID: String
    public var activityIDs: [String]
    public var sessionIDs: [String]
    public var teachers: [CampaignTeacher]
    public var trainerToken: String
    public var trainerID: String
    /// The academy manager's token (schedules and decides).
    public var managerToken: String
    /// The bulk step measured as a phase: teachers accepting their designation.
    public var phases: [PhaseReport]
    public var seconds: Double
}

/// The preparation went wrong: the deployment did not answer as the public API says.
public struct CampaignError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Prepares a campaign as an academy does: a designer publishes a course of distance activities, a manager
/// schedules and opens sessions, designates the teachers by CSV file (acceptance required), each teacher
/// accepts with their own token, the manager starts the sessions; then it waits until tracking has heard
/// of every enrolment and session (it learns them through events).
struct CampaignPreparation {
    let configuration: CampaignConfiguration
    let tokens: TokenIssuer
    let catalog: HTTPLoad
    let enrolment: HTTPLoad
    let tracking: HTTPLoad
    let log: @Sendable (String) -> Void

    private var run: String { configuration.runID }
    private var academy: String { configuration.academy }

    func prepare() async throws -> PreparedCampaign {
        let started = Date()
        let designer = try await tokens.token(subject: "lg-\(run)-designer", roles: [.designer], academy: academy)
        let manager = try await tokens.token(subject: "lg-\(run)-manager", roles: [.manager], academy: academy)
        let trainerID = "lg-\(run)-trainer"
        let trainer = try await tokens.token(subject: trainerID, roles: [.trainer], academy: academy)

        let activityIDs = (1...configuration.activities).map { "a\($0)" }
        let courseID = try await publishCourse(activityIDs: activityIDs, as: designer)
        log("course \(courseID) published with \(activityIDs.count) activities")

        let teacherIDs = (0..<configuration.teachers).map { String(format: "lg-\(run)-t%06d", $0) }
        let perSession = configuration.teachersPerSession
        var sessionIDs: [String] = []
        var designated: [(teacher: String, enrolment: String, session: String)] = []
        for first in stride(from: 0, to: teacherIDs.count, by: perSession) {
            let group = Array(teacherIDs[first..<min(first + perSession, teacherIDs.count)])
            let session = try await scheduleSession(
                courseID: courseID, capacity: group.count, trainerID: trainerID, as: manager)
            let enrolments = try await designate(group, session: session, as: manager)
            sessionIDs.append(session)
            designated += group.map { ($0, enrolments[$0]!, session) }
        }
        log("\(sessionIDs.count) session(s) open, \(designated.count) teachers designated")

        var teachers: [CampaignTeacher] = []
        teachers.reserveCapacity(designated.count)
        for entry in designated {
            let token = try await tokens.token(
                subject: entry.teacher, roles: [.participant], academy: academy,
                lifetime: configuration.tokenLifetime)
            teachers.append(
                CampaignTeacher(id: entry.teacher, enrolmentID: entry.enrolment, sessionID: entry.session, token: token)
            )
        }
        var phases: [PhaseReport] = []
        phases.append(try await accept(teachers))
        for session in sessionIDs {
            let answer = await enrolment.call([post("/sessions/\(session)/start", enrolment, manager)])[0]
            try expect(answer, [200], "POST /sessions/\(session)/start")
        }
        log("teachers accepted, sessions started; waiting for tracking to know them")
        let waited = try await waitUntilTracked(teachers, activities: activityIDs.count)
        log(String(format: "tracking knew every enrolment %.1f s after the sessions started", waited))
        try await waitForTrainerTables(sessionIDs, trainer: trainer)
        return PreparedCampaign(
            courseID: courseID, activityIDs: activityIDs, sessionIDs: sessionIDs, teachers: teachers,
            trainerToken: trainer, trainerID: trainerID, managerToken: manager, phases: phases,
            seconds: Date().timeIntervalSince(started))
    }

    // MARK: - Steps

    private func publishCourse(activityIDs: [String], as designer: String) async throws -> String {
        let activities = activityIDs.map {
            #"{"id":"\#($0)","title":"Vidéo \#($0)","kind":"video","estimatedMinutes":30}"#
        }
        let draft = """
            {"title":"Campagne de charge \(run)","summary":"Parcours de la campagne de mesure de charge.",\
            "objectives":["Mesurer l'ingestion de la progression"],"keywords":["charge","\(run)"],\
            "domain":"Mathématiques","audience":{"schoolLevels":["primary"],"disciplines":[],"gradeLevels":[]},\
            "origin":{"kind":"academy","academy":"\(academy)","sharedNationally":false},\
            "owner":{"organisation":"Banc de charge"},"activities":[\(activities.joined(separator: ","))]}
            """
        let created = await catalog.call([post("/courses", catalog, designer, json: draft)])[0]
        let courseID = try json(try expect(created, [201], "POST /courses"))["courseID"] as? String
        guard let courseID else { throw CampaignError("POST /courses answered without a courseID") }
        let published = await catalog.call([post("/courses/\(courseID)/publish", catalog, designer)])[0]
        try expect(published, [201], "POST /courses/\(courseID)/publish")
        return courseID
    }

    /// Schedules (retrying while enrolment has not heard of the course yet) and opens a designation session.
    private func scheduleSession(
        courseID: String, capacity: Int, trainerID: String, as manager: String
    ) async throws
        -> String
    {
        let now = Date()
        func day(_ days: Double) -> String { Timestamp.format(now.addingTimeInterval(days * 86_400)) }
        let plan = """
            {"course":{"courseID":"\(courseID)","version":1},"academy":"\(academy)","schoolLevel":"primary",\
            "district":"Banc de charge","capacity":\(capacity),"mode":"designation","trainerIDs":["\(trainerID)"],\
            "calendar":{"enrolmentOpensAt":"\(day(0))","enrolmentClosesAt":"\(day(30))",\
            "startsAt":"\(day(31))","endsAt":"\(day(90))","meetings":[]}}
            """
        let deadline = Date().addingTimeInterval(configuration.preparationTimeout)
        var answer = await enrolment.call([post("/sessions", enrolment, manager, json: plan)])[0]
        while answer.status == 422, Date() < deadline {
            try await Task.sleep(for: .milliseconds(100))
            answer = await enrolment.call([post("/sessions", enrolment, manager, json: plan)])[0]
        }
        guard let sessionID = try json(try expect(answer, [201], "POST /sessions"))["id"] as? String else {
            throw CampaignError("POST /sessions answered without an id")
        }
        let opened = await enrolment.call([post("/sessions/\(sessionID)/open", enrolment, manager)])[0]
        try expect(opened, [200], "POST /sessions/\(sessionID)/open")
        return sessionID
    }

    /// Designates teachers with one CSV file; returns their enrolment ids by teacher id.
    private func designate(_ teachers: [String], session: String, as manager: String) async throws -> [String: String] {
        let csv = "participantID\n" + teachers.joined(separator: "\n") + "\n"
        let path = "/sessions/\(session)/designations.csv?acceptanceRequired=true"
        let answer = await enrolment.call([
            PreparedRequest(
                method: "POST", path: path, target: enrolment.target, bearer: manager, json: csv,
                contentType: "text/csv")
        ])[0]
        let body = try json(try expect(answer, [200, 201], "POST \(path)"))
        var ids: [String: String] = [:]
        for entry in body["enrolments"] as? [[String: Any]] ?? [] {
            if let teacher = entry["participantID"] as? String, let id = entry["id"] as? String { ids[teacher] = id }
        }
        guard ids.count == teachers.count else {
            throw CampaignError("the designation file of \(teachers.count) teachers gave \(ids.count) enrolments")
        }
        return ids
    }

    private func accept(_ teachers: [CampaignTeacher]) async throws -> PhaseReport {
        let scripts = spread(
            teachers.map { post("/enrolments/\($0.enrolmentID)/accept", enrolment, $0.token) })
        let report = PhaseReport(
            name: "prepare: teachers accept", scripts: scripts, records: await enrolment.run(scripts))
        guard report.statuses["200"] == teachers.count else {
            throw CampaignError("accepting the designations: \(report.statuses) for \(teachers.count) teachers")
        }
        return report
    }

    /// Reads each enrolment's progress from tracking, as its teacher, until every one is there with the
    /// course's activities (tracking learns enrolments and course plans through events). Returns the seconds waited.
    private func waitUntilTracked(_ teachers: [CampaignTeacher], activities: Int) async throws -> Double {
        let started = Date()
        var pending = Array(teachers.indices)
        while !pending.isEmpty {
            // Each enrolment is read from the instance that owns its session.
            var answers: [Int: (status: UInt16, body: [UInt8])] = [:]
            let byInstance = Dictionary(grouping: pending) {
                configuration.tracking(forSession: teachers[$0].sessionID)
            }
            for (target, indices) in byInstance {
                let requests = indices.map { index in
                    PreparedRequest(
                        method: "GET", path: "/enrolments/\(teachers[index].enrolmentID)/progress", target: target,
                        bearer: teachers[index].token)
                }
                let load = HTTPLoad(target: target, group: tracking.group)
                for (index, answer) in zip(indices, await load.call(requests, connections: configuration.connections)) {
                    answers[index] = answer
                }
            }
            pending = pending.map { ($0, answers[$0]!) }.filter { _, answer in
                guard answer.status == 200, let view = try? json(answer) else { return true }
                return (view["requiredTotal"] as? Int) != activities
            }.map(\.0)
            guard !pending.isEmpty else { break }
            guard Date().timeIntervalSince(started) < configuration.preparationTimeout else {
                throw CampaignError(
                    "tracking still does not know \(pending.count) of \(teachers.count) enrolments after \(Int(configuration.preparationTimeout)) s"
                )
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        return Date().timeIntervalSince(started)
    }

    private func waitForTrainerTables(_ sessions: [String], trainer: String) async throws {
        let started = Date()
        for session in sessions {
            while true {
                let target = configuration.tracking(forSession: session)
                let answer = await HTTPLoad(target: target, group: tracking.group).call([
                    PreparedRequest(
                        method: "GET", path: "/sessions/\(session)/progress", target: target, bearer: trainer)
                ])[0]
                if answer.status == 200 { break }
                guard Date().timeIntervalSince(started) < configuration.preparationTimeout else {
                    throw CampaignError("the trainer's table of \(session) still answers \(answer.status)")
                }
                try await Task.sleep(for: .milliseconds(200))
            }
        }
    }

    // MARK: - Helpers

    /// Requests spread over the configured number of connections, round robin.
    func spread(_ requests: [PreparedRequest]) -> [ConnectionScript] {
        Campaign.spread(requests, over: configuration.connections)
    }

    private func post(
        _ path: String, _ service: HTTPLoad, _ bearer: String, json body: String? = nil
    )
        -> PreparedRequest
    {
        PreparedRequest(method: "POST", path: path, target: service.target, bearer: bearer, json: body)
    }

    @discardableResult
    private func expect(
        _ answer: (status: UInt16, body: [UInt8]), _ statuses: Set<UInt16>, _ what: String
    ) throws
        -> (status: UInt16, body: [UInt8])
    {
        guard statuses.contains(answer.status) else {
            let text = String(decoding: answer.body.prefix(600), as: UTF8.self)
            throw CampaignError(
                "\(what) answered \(answer.status == 0 ? "nothing (connection lost)" : String(answer.status)): \(text)")
        }
        return answer
    }

    private func json(_ answer: (status: UInt16, body: [UInt8])) throws -> [String: Any] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(answer.body)) as? [String: Any] else {
            throw CampaignError("not a JSON object: \(String(decoding: answer.body.prefix(300), as: UTF8.self))")
        }
        return object
    }
}
