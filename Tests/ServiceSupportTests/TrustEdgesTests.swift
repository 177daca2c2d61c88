import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JWTKit
import Logging
import Messaging
import TestSupport
import Testing

@testable import ServiceSupport

/// The shared edges of every service (issue 11): national scope only when the token says so, readiness
/// without leaks, keys that fail loudly, logs that cannot be forged, private files, stable problem types.
@Suite("Trust edges shared by every service")
struct SharedTrustEdgesTests {
    // MARK: - National scope is explicit

    @Test("a manager or designer token without an academy claim is refused with a 403 that says what is missing")
    func missingAcademyIsRefused() async throws {
        let logs = LogCollector()
        try await AccessMiddlewareTests.application(logs: logs).test(.router) { client in
            for role in [Role.manager, .designer] {
                let headers = try await TestAuth.headers("careless-1", role)
                let response = try await client.execute(uri: "/academies/lyon/things", method: .post, headers: headers)
                #expect(response.status == .forbidden)
                #expect(String(buffer: response.body).contains("national"))
                #expect(String(buffer: response.body).contains("academy claim"))
            }
            // The same token naming the national scope may act in any academy; a participant needs no academy.
            let national = try await TestAuth.headers("mgr-n", .manager, academy: "national")
            #expect(
                try await client.execute(uri: "/academies/lyon/things", method: .post, headers: national).status == .ok)
            let teacher = try await TestAuth.headers("ens-1", .participant)
            #expect(try await client.execute(uri: "/mine", method: .get, headers: teacher).status == .ok)
        }
        #expect(logs.all.filter { $0.message == "access refused" }.count == 2)
    }

    @Test("a caller is national only with the explicit claim")
    func callerScope() {
        let missing = Caller(subject: "m", roles: [.manager])
        #expect(!missing.has(.manager, inAcademy: "lyon"))
        #expect(missing.scopedRoleWithoutAcademy == .manager)
        let national = Caller(subject: "m", roles: [.manager], isNational: true)
        #expect(national.has(.manager, inAcademy: "lyon"))
        #expect(national.scopedRoleWithoutAcademy == nil)
        let lyon = Caller(subject: "m", roles: [.manager], academy: "lyon", isNational: true)
        #expect(!lyon.isNational, "an academy claim is never national as well")
        #expect(!lyon.has(.manager, inAcademy: "grenoble"))
    }

    // MARK: - Readiness

    @Test("/ready says ok or failed per check, never the error's text; the detail goes to the log")
    func readinessLeaksNothing() async throws {
        let logs = LogCollector()
        var service = try PlatformService.sample(.tracking, routes: { _ in }, access: AccessPolicy([:]))
        service.readiness = [
            ReadinessCheck("store") {},
            ReadinessCheck("bus") {
                throw TransportError("connection to broker-7.internal:5672 refused: ACCESS_REFUSED")
            },
        ]
        let application = Application(
            router: service.router(registry: nil), logger: Logger(label: "test") { logs.handler($0) })
        try await application.test(.router) { client in
            let response = try await client.execute(uri: "/ready", method: .get)
            #expect(response.status == .serviceUnavailable)
            let body = String(buffer: response.body)
            #expect(!body.contains("broker-7") && !body.contains("5672") && !body.contains("ACCESS_REFUSED"))
            let status = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]
            #expect(status?["checks"] as? [String: String] == ["store": "ok", "bus": "failed"])
            _ = try await client.execute(uri: "/ready", method: .get)
        }
        let failures = logs.all.filter { $0.message == "readiness check failed" }
        #expect(failures.count == 1, "logged when the check starts failing, not at every probe")
        #expect(failures.first?.metadata["error"]?.contains("broker-7.internal:5672") == true)
    }

    // MARK: - Keys

    @Test("a JWKS entry that cannot be used stops the start, naming it, instead of being skipped")
    func unusableJWKS() throws {
        let cases = [
            #"{"keys":[{"kty":"RSA","kid":"k1","n":"!!!","e":"AQAB"}]}"#,
            #"{"keys":[{"kty":"EC","crv":"P-256","kid":"k2","x":"AAAA","y":"AAAA"}]}"#,
            #"{"keys":[{"kty":"OKP","crv":"Ed25519","kid":"k3","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]}"#,
            #"{"keys":[{"kty":"RSA","alg":"PS256","kid":"k4","n":"AQAB","e":"AQAB"}]}"#,
            #"{"keys":[{"kty":"EC","crv":"P-256","x":"AAAA","y":"AAAA"}]}"#,
        ]
        for jwks in cases {
            #expect(throws: AuthConfigurationError.self, "\(jwks)") { try Authenticator(AuthConfiguration(jwks: jwks)) }
        }
    }

    // MARK: - Logs

    @Test("a logfmt value cannot start a line of its own: CR, LF, tabs and other controls are escaped")
    func logfmtEscapesControls() {
        let forged = "ok\r\nlevel=critical msg=\"forged\"\u{0B}\u{2028}end"
        let quoted = StructuredLogHandler.quote(forged)
        #expect(!quoted.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x2028 })
        #expect(quoted.contains("\\r\\n"))
        #expect(StructuredLogHandler.quote("plain") == "plain")
        #expect(StructuredLogHandler.quote("a\rb") == "\"a\\rb\"")
    }

    // MARK: - Files

    @Test("stores and secrets are created owner-only (0600) whatever the umask")
    func privateFiles() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("private-\(UUID().uuidString)")
        let previous = umask(0)
        defer { umask(previous) }
        let store = directory.appendingPathComponent("store.sqlite").path
        _ = try ServiceStore.open(path: store) { _ in }
        let secret = directory.appendingPathComponent("secret").path
        try PrivateFile.create(secret, contents: Data("s3cret".utf8))
        for path in [store, secret] {
            let mode = try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
            #expect(mode & 0o777 == 0o600, "\(path): \(String(mode, radix: 8))")
        }
        #expect(throws: PrivateFileError.self) { try PrivateFile.create(secret, contents: Data()) }
    }

    // MARK: - Problem types

    @Test("problem types are URNs of the platform, stable identifiers that point at no one's domain")
    func problemTypes() async throws {
        try await AccessMiddlewareTests.application(logs: LogCollector()).test(.router) { client in
            let response = try await client.execute(uri: "/mine", method: .get)
            let body = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]
            #expect(body?["type"] as? String == "urn:magistere:problem:unauthenticated")
        }
    }
}
