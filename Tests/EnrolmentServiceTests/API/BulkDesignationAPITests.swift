import Contracts
import Foundation
import GRDB
import HummingbirdTesting
import Testing

@testable import EnrolmentService

@Suite("Bulk designation from a CSV file")
struct BulkDesignationAPITests {
    static func count(_ fixture: EnrolmentFixture) async throws -> Int {
        try await fixture.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM enrolment") ?? 0 }
    }

    @Test("a valid file designates every teacher in one go, with their groups")
    func applies() async throws {
        let fixture = try await EnrolmentFixture.make()
        try await fixture.publish()
        try await fixture.application.test(.router) { client in
            let api = APIClient(client: client)
            let session = try await api.openSession(capacity: 3, mode: .designation)
            let csv = "participantID,group\nt-1,Groupe A\nt-2,Groupe A\nt-3,Groupe B\nt-4,Groupe B\n"
            let reply = try await api.request(
                .post, "/sessions/\(session)/designations.csv", raw: csv, contentType: "text/csv")
            #expect(reply.status == .created, "\(reply.text)")
            let list = try reply.decode(EnrolmentController.EnrolmentList.self).enrolments
            #expect(list.map(\.participantID) == ["t-1", "t-2", "t-3", "t-4"])
            #expect(list.map(\.group) == ["Groupe A", "Groupe A", "Groupe B", "Groupe B"])
            #expect(list.map(\.state) == [.approved, .approved, .approved, .waitlisted], "capacity still holds")
            #expect(try await fixture.outboxEvents(EnrolmentDesignated.self).count == 4)

            let withAcceptance = try await api.openSession(capacity: 3, mode: .designation)
            let pending = try await api.request(
                .post, "/sessions/\(withAcceptance)/designations.csv?acceptanceRequired=true",
                raw: "participantID\nt-1\n",
                contentType: "text/csv")
            #expect(try pending.decode(EnrolmentController.EnrolmentList.self).enrolments.map(\.state) == [.designated])
        }
    }

    @Test("a file with bad lines is rejected with a report of each line (number, field, problem); nothing is applied")
    func rejects() async throws {
        let fixture = try await EnrolmentFixture.make()
        try await fixture.publish()
        try await fixture.application.test(.router) { client in
            let api = APIClient(client: client)
            let session = try await api.openSession(capacity: 30, mode: .designation)
            let outboxBefore = try await fixture.outboxTypes()
            let csv = "participantID,group\nt-1,A\nanne.durand@ac-lyon.fr,A\nt-2,B\n,C\nt-1,D\n"
            let reply = try await api.request(
                .post, "/sessions/\(session)/designations.csv", raw: csv, contentType: "text/csv")
            #expect(reply.status == .unprocessableContent)
            #expect(reply.headers[.contentType] == "application/problem+json")
            let errors = try #require(reply.problem?.errors)
            #expect(errors.map(\.line) == [3, 5, 6])
            #expect(errors.map(\.field) == ["participantID", "participantID", "participantID"])
            #expect(try await Self.count(fixture) == 0, "never half-applied")
            #expect(try await fixture.outboxTypes() == outboxBefore)
        }
    }

    @Test("a teacher already enrolled rejects the whole file, reported on their line")
    func alreadyEnrolled() async throws {
        let fixture = try await EnrolmentFixture.make()
        try await fixture.publish()
        try await fixture.application.test(.router) { client in
            let api = APIClient(client: client)
            let session = try await api.openSession(capacity: 30, mode: .designation)
            _ = try await api.post(
                "/sessions/\(session)/designations", json: RequestBodies.Designation(participantID: "t-2"))
            let reply = try await api.request(
                .post, "/sessions/\(session)/designations.csv", raw: "participantID\nt-1\nt-2\nt-3\n",
                contentType: "text/csv")
            #expect(reply.status == .unprocessableContent)
            #expect(reply.problem?.errors?.map(\.line) == [3])
            #expect(try await Self.count(fixture) == 1, "only the earlier designation")
        }
    }

    @Test("the file must be sent as text/csv")
    func contentType() async throws {
        let fixture = try await EnrolmentFixture.make()
        try await fixture.publish()
        try await fixture.application.test(.router) { client in
            let api = APIClient(client: client)
            let session = try await api.openSession(mode: .designation)
            let reply = try await api.request(
                .post, "/sessions/\(session)/designations.csv", raw: "participantID\nt-1\n",
                contentType: "application/json")
            #expect(reply.status == .unsupportedMediaType)
        }
    }
}
