import Contracts
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import TrackingService

/// The xAPI 1.0.3 document resources: State, Activity Profile, Agent Profile.
@Suite("xAPI documents")
struct XAPIDocumentsTests {
    static let activity = "https://magistere.education.gouv.fr/xapi/activities/crs-1/video"
    static func agent(_ name: String) -> String {
        #"{"objectType":"Agent","account":{"homePage":"https://magistere.education.gouv.fr","name":"\#(name)"}}"#
            .addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
    }
    static let activityQuery = activity.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!

    static func state(_ id: String? = nil, agent: String = "p-alice", registration: String? = nil) -> String {
        "/xapi/activities/state?activityId=\(activityQuery)&agent=\(Self.agent(agent))"
            + (registration.map { "&registration=\($0)" } ?? "") + (id.map { "&stateId=\($0)" } ?? "")
    }

    static func headers(_ caller: HTTPFields, _ type: String? = nil, _ extra: HTTPFields = [:]) -> HTTPFields {
        var headers = XAPIStatementsTests.xapi(caller)
        headers[.contentType] = type
        headers.append(contentsOf: extra)
        return headers
    }

    @Test("a state is stored, read with its type and ETag, listed, merged, guarded by its ETag and deleted")
    func state() async throws {
        let fixture = try await TrackingFixture.make()
        let alice = try await Callers.participant("p-alice")
        try await fixture.application.test(.router) { client in
            func send(
                _ method: HTTPRequest.Method, _ uri: String, _ body: String? = nil, type: String? = nil,
                _ extra: HTTPFields = [:], as caller: HTTPFields? = nil
            ) async throws -> TestResponse {
                try await client.execute(
                    uri: uri, method: method, headers: Self.headers(caller ?? alice, type, extra),
                    body: body.map { ByteBuffer(string: $0) })
            }
            #expect(try await send(.put, Self.state("bookmark"), "page=4", type: "text/plain").status == .noContent)
            let read = try await send(.get, Self.state("bookmark"))
            #expect(read.status == .ok && read.text == "page=4")
            #expect(read.headers[.contentType] == "text/plain")
            let etag = try #require(read.headers[.eTag])
            #expect(etag.hasPrefix("\"") && etag.count == 66)

            // Concurrency: a stale If-Match, or If-None-Match: * over an existing document, changes nothing.
            #expect(
                try await send(.put, Self.state("bookmark"), "page=9", type: "text/plain", [.ifMatch: "\"0\""]).status
                    == .preconditionFailed)
            #expect(
                try await send(.put, Self.state("bookmark"), "page=9", type: "text/plain", [.ifNoneMatch: "*"]).status
                    == .preconditionFailed)
            #expect(try await send(.get, Self.state("bookmark")).text == "page=4")
            #expect(
                try await send(.put, Self.state("bookmark"), "page=5", type: "text/plain", [.ifMatch: etag]).status
                    == .noContent)
            #expect(try await send(.get, Self.state("bookmark")).headers[.eTag] != etag)

            // Merging JSON objects; a document that is not a JSON object cannot be merged.
            #expect(
                try await send(.post, Self.state("progress"), #"{"a":1,"b":1}"#, type: "application/json").status
                    == .noContent)
            #expect(
                try await send(.post, Self.state("progress"), #"{"b":2,"c":3}"#, type: "application/json").status
                    == .noContent)
            let merged = try await send(.get, Self.state("progress"))
            #expect(merged.json as NSDictionary == ["a": 1, "b": 2, "c": 3] as NSDictionary)
            #expect(
                try await send(.post, Self.state("bookmark"), #"{"x":1}"#, type: "application/json").status
                    == .badRequest)
            #expect(
                try await send(.post, Self.state("progress"), "[1]", type: "application/json").status == .badRequest)

            // The ids; a registration is a separate set of states; since lists what changed after it.
            let ids = try await send(.get, Self.state())
            #expect(
                try JSONSerialization.jsonObject(with: Data(ids.body.readableBytesView)) as? [String] == [
                    "bookmark", "progress",
                ])
            let registration = "9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d"
            #expect(
                try await send(.put, Self.state("bookmark", registration: registration), "page=1", type: "text/plain")
                    .status == .noContent)
            #expect(try await send(.get, Self.state("bookmark", registration: registration)).text == "page=1")
            #expect(try await send(.get, Self.state("bookmark")).text == "page=5")
            let future = "2999-01-01T00:00:00Z".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            #expect(try await send(.get, Self.state() + "&since=\(future)").text == "[]")

            // Someone else's states are theirs; bad requests say what is wrong.
            let bob = try await Callers.participant("p-bob")
            #expect(try await send(.get, Self.state("bookmark"), as: bob).status == .forbidden)
            #expect(try await send(.put, Self.state("bookmark"), "x", type: "text/plain", as: bob).status == .forbidden)
            #expect(
                try await send(
                    .put, "/xapi/activities/state?stateId=x&agent=\(Self.agent("p-alice"))", "x", type: "text/plain"
                ).status == .badRequest)
            #expect(
                try await send(.put, Self.state(), "x", type: "text/plain").status == .badRequest, "stateId required")
            #expect(try await send(.get, Self.state("bookmark") + "&colour=red").status == .badRequest)

            // Deleting one, then every state of the activity and agent (this registration's aside).
            #expect(
                try await send(.delete, Self.state("bookmark"), nil, [.ifMatch: "\"0\""]).status == .preconditionFailed)
            #expect(try await send(.delete, Self.state("bookmark")).status == .noContent)
            #expect(try await send(.get, Self.state("bookmark")).status == .notFound)
            #expect(try await send(.delete, Self.state()).status == .noContent)
            #expect(try await send(.get, Self.state()).text == "[]")
            #expect(try await send(.get, Self.state("bookmark", registration: registration)).text == "page=1")
        }
    }

    @Test(
        "profiles: an agent's own, an activity's written by staff; a PUT over an existing profile needs a precondition")
    func profiles() async throws {
        let fixture = try await TrackingFixture.make()
        let alice = try await Callers.participant("p-alice")
        let trainer = try await Callers.trainer()
        try await fixture.application.test(.router) { client in
            func send(
                _ method: HTTPRequest.Method, _ uri: String, _ body: String? = nil, _ extra: HTTPFields = [:],
                as caller: HTTPFields
            ) async throws -> TestResponse {
                try await client.execute(
                    uri: uri, method: method,
                    headers: Self.headers(caller, body == nil ? nil : "application/json", extra),
                    body: body.map { ByteBuffer(string: $0) })
            }
            let agentProfile = "/xapi/agents/profile?agent=\(Self.agent("p-alice"))&profileId=preferences"
            #expect(try await send(.put, agentProfile, #"{"lang":"fr"}"#, as: alice).status == .noContent)
            #expect(try await send(.put, agentProfile, #"{"lang":"en"}"#, as: alice).status == .conflict)
            let etag = try #require(try await send(.get, agentProfile, as: alice).headers[.eTag])
            #expect(
                try await send(.put, agentProfile, #"{"lang":"en"}"#, [.ifMatch: etag], as: alice).status == .noContent)
            #expect(try await send(.get, agentProfile, as: alice).json["lang"] as? String == "en")
            #expect(
                try await send(.post, agentProfile, #"{"theme":"dark"}"#, as: alice).status == .noContent,
                "merging needs none")
            #expect(try await send(.get, agentProfile, as: trainer).status == .forbidden, "an agent's own")
            #expect(
                try await send(.delete, "/xapi/agents/profile?agent=\(Self.agent("p-alice"))", as: alice).status
                    == .badRequest)

            let activityProfile = "/xapi/activities/profile?activityId=\(Self.activityQuery)&profileId=rubric"
            #expect(try await send(.put, activityProfile, #"{"levels":4}"#, as: alice).status == .forbidden)
            #expect(
                try await send(.put, activityProfile, #"{"levels":4}"#, [.ifNoneMatch: "*"], as: trainer).status
                    == .noContent)
            #expect(
                try await send(.put, activityProfile, #"{"levels":5}"#, [.ifNoneMatch: "*"], as: trainer).status
                    == .preconditionFailed)
            #expect(try await send(.get, activityProfile, as: alice).json["levels"] as? Int == 4)
            let ids = try await send(.get, "/xapi/activities/profile?activityId=\(Self.activityQuery)", as: alice)
            #expect(ids.text == #"["rubric"]"#)
            // Another academy's staff have their own profiles of the activity: they neither read nor delete Lyon's.
            let elsewhere = try await TestAuth.headers("f-grenoble", .trainer, academy: "grenoble")
            #expect(try await send(.get, activityProfile, as: elsewhere).status == .notFound)
            #expect(try await send(.delete, activityProfile, as: elsewhere).status == .noContent)
            #expect(try await send(.get, activityProfile, as: alice).json["levels"] as? Int == 4)
            #expect(try await send(.delete, activityProfile, as: trainer).status == .noContent)
            #expect(try await send(.get, activityProfile, as: alice).status == .notFound)
        }
    }

    @Test("the Activities resource defines a tracked course's activities; the Agents resource answers a Person")
    func activitiesAndAgents() async throws {
        let fixture = try await TrackingFixture.make()
        try await fixture.seed(enrolments: [:])
        let alice = Self.headers(try await Callers.participant("p-alice"))
        try await fixture.application.test(.router) { client in
            let video = XAPIVocabulary.activityIRI(courseID: Plan.courseID, activityID: "video")
            let known = try await client.execute(
                uri:
                    "/xapi/activities?activityId=\(video.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)",
                method: .get, headers: alice)
            #expect(known.status == .ok)
            #expect(known.json["objectType"] as? String == "Activity" && known.json["id"] as? String == video)
            let definition = try #require(known.json["definition"] as? [String: Any])
            #expect(definition["type"] as? String == "http://adlnet.gov/expapi/activities/media")
            #expect((definition["name"] as? [String: String])?["fr-FR"]?.isEmpty == false)
            let other = try await client.execute(
                uri: "/xapi/activities?activityId=https%3A%2F%2Fexample.org%2Fx", method: .get, headers: alice)
            #expect(
                other.json as NSDictionary == ["objectType": "Activity", "id": "https://example.org/x"] as NSDictionary)
            #expect(
                try await client.execute(uri: "/xapi/activities", method: .get, headers: alice).status == .badRequest)

            let person = try await client.execute(
                uri: "/xapi/agents?agent=\(Self.agent("p-bob"))", method: .get, headers: alice)
            #expect(person.status == .ok)
            #expect(person.json["objectType"] as? String == "Person")
            let accounts = try #require(person.json["account"] as? [[String: String]])
            #expect(accounts == [["homePage": "https://magistere.education.gouv.fr", "name": "p-bob"]])
            #expect(person.json["name"] == nil, "no names kept")
            #expect(
                try await client.execute(uri: "/xapi/agents?agent=%7B%7D", method: .get, headers: alice).status
                    == .badRequest)
        }
    }

    @Test("statement attachments: sent as multipart/mixed, checked by their SHA-256, returned with attachments=true")
    func attachments() async throws {
        let fixture = try await TrackingFixture.make()
        let alice = try await Callers.participant("p-alice")
        let content = Data("Mon carnet de bord, semaine 3.".utf8)
        let sha2 = SHA256.hex(content)
        let id = "0f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b"
        @Sendable func statement(sha2: String, fileUrl: String? = nil) -> String {
            """
            {"id": "\(id)", "actor": {"account": {"homePage": "https://magistere.education.gouv.fr", "name": "p-alice"}},
             "verb": {"id": "http://adlnet.gov/expapi/verbs/attempted"}, "object": {"id": "\(Self.activity)"},
             "attachments": [{"usageType": "http://id.tincanapi.com/attachment/supporting_media",
                              "display": {"fr-FR": "Carnet"}, "contentType": "text/plain", "length": \(content.count),
                              "sha2": "\(sha2)"\(fileUrl.map { ", \"fileUrl\": \"\($0)\"" } ?? "")}]}
            """
        }
        @Sendable func multipart(_ json: String, parts: [(hash: String, body: Data)]) -> (HTTPFields, ByteBuffer) {
            let boundary = "abc123"
            var all = [MultipartMixed.Part(headers: ["Content-Type": "application/json"], body: Data(json.utf8))]
            all += parts.map {
                MultipartMixed.Part(
                    headers: ["Content-Type": "text/plain", "X-Experience-API-Hash": $0.hash], body: $0.body)
            }
            return (
                Self.headers(alice, "multipart/mixed; boundary=\(boundary)"),
                ByteBuffer(data: MultipartMixed.make(boundary: boundary, parts: all))
            )
        }
        try await fixture.application.test(.router) { client in
            // Without its part, with a part whose hash lies, with a part nobody references: 400, nothing stored.
            let missing = try await client.execute(
                uri: "/xapi/statements", method: .post, headers: Self.headers(alice, "application/json"),
                body: ByteBuffer(string: statement(sha2: sha2)))
            #expect(missing.status == .badRequest)
            let (lyingHeaders, lying) = multipart(statement(sha2: sha2), parts: [(sha2, Data("autre chose".utf8))])
            #expect(
                try await client.execute(uri: "/xapi/statements", method: .post, headers: lyingHeaders, body: lying)
                    .status == .badRequest)
            let strayContent = Data("en trop".utf8)
            let stray = SHA256.hex(strayContent)
            let (strayHeaders, strayBody) = multipart(
                statement(sha2: sha2), parts: [(sha2, content), (stray, strayContent)])
            #expect(
                try await client.execute(uri: "/xapi/statements", method: .post, headers: strayHeaders, body: strayBody)
                    .status == .badRequest)
            #expect(try await fixture.rowCount("xapi_statement") == 0)

            let (headers, body) = multipart(statement(sha2: sha2), parts: [(sha2, content)])
            let stored = try await client.execute(uri: "/xapi/statements", method: .post, headers: headers, body: body)
            #expect(stored.status == .ok, "\(stored.text)")

            let plain = try await client.execute(
                uri: "/xapi/statements?statementId=\(id)", method: .get, headers: Self.headers(alice))
            #expect(plain.headers[.contentType] == "application/json")
            let withParts = try await client.execute(
                uri: "/xapi/statements?statementId=\(id)&attachments=true", method: .get, headers: Self.headers(alice))
            let type = try #require(withParts.headers[.contentType])
            let boundary = try #require(MultipartMixed.boundary(ofContentType: type))
            let parts = try MultipartMixed(Data(withParts.body.readableBytesView), boundary: boundary).parts
            #expect(parts.count == 2)
            #expect(parts[0].headers["content-type"] == "application/json")
            #expect(parts[1].headers["x-experience-api-hash"] == sha2 && parts[1].body == content)
            let query = try await client.execute(
                uri: "/xapi/statements?attachments=true", method: .get, headers: Self.headers(alice))
            #expect(query.headers[.contentType]?.hasPrefix("multipart/mixed") == true)

            // An attachment with a fileUrl needs no part, and gets no content: naming another statement's hash is not
            // a way to read its attachment.
            let other = "1f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b"
            let remote = statement(sha2: sha2, fileUrl: "https://example.org/carnet.txt")
                .replacingOccurrences(of: id, with: other)
            #expect(
                try await client.execute(
                    uri: "/xapi/statements", method: .post, headers: Self.headers(alice, "application/json"),
                    body: ByteBuffer(string: remote)
                ).status == .ok)
            let borrowed = try await client.execute(
                uri: "/xapi/statements?statementId=\(other)&attachments=true", method: .get,
                headers: Self.headers(alice))
            let borrowedParts = try MultipartMixed(
                Data(borrowed.body.readableBytesView),
                boundary: try #require(MultipartMixed.boundary(ofContentType: borrowed.headers[.contentType]))
            ).parts
            #expect(borrowedParts.count == 1, "the statements only")
        }
    }
}
