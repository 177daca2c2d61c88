import Contracts
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import EnrolmentService

/// Query parameters, path ids and files a caller with a valid token may still send wrong or hostile.
@Suite("Hostile input")
struct HostileInputTests {
    @Test("an academy filter that is no academy code, or given twice, is 400")
    func academyFilter() async throws {
        let fixture = try await EnrolmentFixture.make()
        try await fixture.application.test(.router) { client in
            let api = APIClient(client: client)
            let long = String(repeating: "a", count: 65)
            for query in [
                "academy=\(long)", "academy=ly%20on", "academy=", "academy=lyon&academy=creteil",
                "state=open&state=closed",
            ] {
                let reply = try await api.get("/sessions?\(query)", as: .teacher("t-1"))
                #expect(reply.status == .badRequest, "\(query)")
                #expect(reply.headers[.contentType] == "application/problem+json")
            }
        }
    }

    @Test("a path id that no resource could have is 404 and never reaches the store; other query parameters are 400")
    func pathIDs() async throws {
        let fixture = try await EnrolmentFixture.make()
        try await fixture.publish()
        try await fixture.application.test(.router) { client in
            let api = APIClient(client: client)
            let session = try await api.openSession()
            let long = String(repeating: "x", count: 5000)
            for path in [
                "/sessions/\(long)", "/sessions/ses%3Cscript%3E/enrolments", "/enrolments/\(long)",
                "/enrolments/a%20b/history",
            ] {
                let reply = try await api.get(path)
                #expect(reply.status == .notFound, "\(path.prefix(40))")
                let detail = reply.problem?.detail ?? ""
                #expect(!detail.contains(long) && !detail.contains("script"), "the detail does not echo the id")
            }
            let before = try await fixture.state()
            #expect(try await api.post("/sessions/\(long)/open").status == .notFound)
            #expect(try await api.post("/enrolments/\(long)/approve").status == .notFound)
            #expect(try await fixture.state() == before)
            #expect(try await api.get("/sessions/\(session)/enrolments?state=waitlisted&limit=5").status == .badRequest)
            #expect(try await api.get("/sessions/\(session)/history?verbose=1").status == .badRequest)
            #expect(try await api.post("/sessions/\(session)/start?force=true").status == .badRequest)
        }
    }

    @Test("a plan whose academy is no academy code is refused (422), whoever schedules it")
    func planAcademy() async throws {
        let fixture = try await EnrolmentFixture.make()
        try await fixture.publish()
        try await fixture.application.test(.router) { client in
            let api = APIClient(client: client)
            for academy in ["Lyon 3e", "", String(repeating: "a", count: 65)] {
                var plan = Fixtures.plan()
                plan.academy = academy
                for caller in [TestCaller.manager, .nationalManager] {
                    let reply = try await api.post("/sessions", as: caller, json: plan)
                    #expect(reply.status == .unprocessableContent, "\(academy.prefix(10)) by \(caller)")
                    #expect(reply.problem?.errors?.map(\.field) == ["academy"])
                }
            }
            #expect(try await fixture.outboxTypes().isEmpty)
        }
    }

    @Test("a designation file over 1 MiB is 413, one that is not UTF-8 is 400, a bad flag is 400; nothing is applied")
    func designationFileLimits() async throws {
        let fixture = try await EnrolmentFixture.make()
        try await fixture.publish()
        try await fixture.application.test(.router) { client in
            let api = APIClient(client: client)
            let session = try await api.openSession(mode: .designation)
            let before = try await fixture.state()
            let path = "/sessions/\(session)/designations.csv"
            let huge =
                "participantID\n" + String(repeating: "t-1234567\n", count: EnrolmentController.csvLimit / 10 + 1)
            let tooLarge = try await api.request(.post, path, raw: huge, contentType: "text/csv")
            #expect(tooLarge.status == .contentTooLarge)
            #expect(tooLarge.headers[.contentType] == "application/problem+json")
            var headers = try await TestCaller.manager.headers()
            headers[.contentType] = "text/csv"
            let latin1 = try await client.executeRequest(
                uri: path, method: .post, headers: headers,
                body: ByteBuffer(bytes: Array("participantID\nt-".utf8) + [0xE9, 0x0A]))
            #expect(latin1.status == .badRequest)
            let flag = try await api.request(
                .post, "\(path)?acceptanceRequired=yes", raw: "participantID\nt-1\n", contentType: "text/csv")
            #expect(flag.status == .badRequest)
            #expect(try await fixture.state() == before)
        }
    }

    @Test("a file of thousands of bad lines is reported on its first hundred, then one line counting the rest")
    func designationReportIsBounded() async throws {
        let fixture = try await EnrolmentFixture.make()
        try await fixture.publish()
        try await fixture.application.test(.router) { client in
            let api = APIClient(client: client)
            let session = try await api.openSession(mode: .designation)
            let before = try await fixture.state()
            let csv = "participantID\n" + String(repeating: "prenom.nom@ac-lyon.fr\n", count: 3000)
            let reply = try await api.request(
                .post, "/sessions/\(session)/designations.csv", raw: csv, contentType: "text/csv")
            #expect(reply.status == .unprocessableContent)
            let errors = try #require(reply.problem?.errors)
            #expect(errors.count == DesignationList.maximumReportedErrors + 1)
            #expect(errors.last?.field == "file")
            #expect(errors.last?.problem.contains("2900") == true)
            #expect(reply.problem?.detail?.hasPrefix("3000 error(s)") == true)
            #expect(reply.body.count < 20_000)
            #expect(try await fixture.state() == before)
        }
    }

    @Test("a decision body over 256 KiB is 413, a reason over 1000 characters 422; nothing changes")
    func decisionBodies() async throws {
        let fixture = try await EnrolmentFixture.make()
        try await fixture.publish()
        try await fixture.application.test(.router) { client in
            let api = APIClient(client: client)
            let session = try await api.openSession(mode: .open)
            let enrolment = try await api.post("/sessions/\(session)/enrolments", as: .teacher("t-1")).decode(
                EnrolmentView.self)
            let before = try await fixture.state()
            let path = "/enrolments/\(enrolment.id)/withdraw"
            let huge = try await api.request(
                .post, path, as: .teacher("t-1"),
                raw: "{\"reason\": \"" + String(repeating: "a", count: 300_000) + "\"}",
                contentType: "application/json")
            #expect(huge.status == .contentTooLarge)
            let long = try await api.post(
                path, as: .teacher("t-1"), json: ["reason": String(repeating: "a", count: 1001)])
            #expect(long.status == .unprocessableContent)
            #expect(try await fixture.state() == before)
        }
    }
}
