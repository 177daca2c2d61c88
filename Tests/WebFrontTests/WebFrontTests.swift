import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ServiceSupport
import Testing

@testable import WebFront

/// The web front on its own, its services unreachable (a closed port): pages say in words which part is
/// unavailable and the rest keeps working; sign-in, cookies and forms hold their guarantees. The pages
/// against the real services are tested in a browser (Tests/python/test_web_browser.py).
@Suite("Web front")
struct WebFrontTests {
    static let secret = "web-front-tests-secret-0123456789-abcdefghij"

    static func front(demo: Bool = true) async throws -> WebFront {
        let authenticator = try Authenticator(AuthConfiguration(hmacSecret: secret))
        // Port 9 (discard) is closed on these machines: every call fails to connect.
        let down = "http://127.0.0.1:9"
        return try await WebFront(
            .init(
                services: ServiceURLs(catalog: down, enrolment: down, tracking: down), authenticator: authenticator,
                demoIssuer: demo ? try await TokenIssuer(secret: secret) : nil, secureCookies: false))
    }

    /// The cookies a response sets, by name, with their attributes.
    static func cookies(_ response: TestResponse) -> [String: String] {
        var cookies: [String: String] = [:]
        for header in response.headers[values: .setCookie] {
            let name = String(header.prefix { $0 != "=" })
            cookies[name] = header
        }
        return cookies
    }

    static func value(_ cookie: String?) -> String {
        guard let cookie else { return "" }
        return String(cookie.drop { $0 != "=" }.dropFirst().prefix { $0 != ";" })
    }

    @Test("a page whose service is down says which part is unavailable, as a page with the security headers")
    func serviceDown() async throws {
        let app = Application(router: try await Self.front().router())
        try await app.test(.router) { client in
            let response = try await client.execute(uri: "/catalogue", method: .get)
            #expect(response.status == .serviceUnavailable)
            #expect(response.headers[.contentType]?.hasPrefix("text/html") == true)
            let body = String(buffer: response.body)
            #expect(body.contains("Le catalogue des formations ne répond pas"))
            #expect(!body.contains("BackendUnavailable"))
            #expect(response.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true)
            #expect(response.headers[SecurityHeadersMiddleware.frameOptions] == "DENY")
            // The sign-in page needs no service: it works while they are all down.
            let signIn = try await client.execute(uri: "/connexion", method: .get)
            #expect(signIn.status == .ok)
            #expect(String(buffer: signIn.body).contains("ens-0001"))
        }
    }

    @Test("signing in needs the form's anti-forgery token; the session cookie is HttpOnly and SameSite")
    func signIn() async throws {
        let app = Application(router: try await Self.front().router())
        try await app.test(.router) { client in
            let page = try await client.execute(uri: "/connexion", method: .get)
            let csrfCookie = Self.cookies(page)[BrowserSessions.csrfCookie]
            #expect(csrfCookie?.contains("HttpOnly") == true)
            #expect(csrfCookie?.contains("SameSite=Strict") == true)
            let csrf = Self.value(csrfCookie)
            #expect(String(buffer: page.body).contains("value=\"\(csrf)\""))

            let forged = try await client.execute(
                uri: "/connexion", method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded", .cookie: "magistere_csrf=\(csrf)"],
                body: ByteBuffer(string: "account=manager-lyon-01&_csrf=\(String(repeating: "x", count: 43))"))
            #expect(forged.status == .seeOther)
            #expect(Self.cookies(forged)[BrowserSessions.tokenCookie] == nil)

            let real = try await client.execute(
                uri: "/connexion", method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded", .cookie: "magistere_csrf=\(csrf)"],
                body: ByteBuffer(string: "account=manager-lyon-01&_csrf=\(csrf)&suite=%2F%2Fevil.example"))
            #expect(real.status == .seeOther)
            #expect(real.headers[.location] == "/gestion")  // the foreign `suite` is dropped
            let session = try #require(Self.cookies(real)[BrowserSessions.tokenCookie])
            #expect(session.contains("HttpOnly"))
            #expect(session.contains("SameSite=Lax"))
            #expect(!session.contains("Secure"))

            // Signed in, the manager's desk asks enrolment, which is down: a page in words, not a sign-in loop.
            let desk = try await client.execute(
                uri: "/gestion", method: .get, headers: [.cookie: "magistere_session=\(Self.value(session))"])
            #expect(desk.status == .serviceUnavailable)
            #expect(String(buffer: desk.body).contains("Le service des inscriptions ne répond pas"))
            // A teacher's page is refused to the manager, in words.
            let teacher = try await client.execute(
                uri: "/espace", method: .get, headers: [.cookie: "magistere_session=\(Self.value(session))"])
            #expect(teacher.status == .forbidden)
        }
    }

    @Test("the teacher's space shows each part that answered and says which did not")
    func partsOfAPage() async throws {
        let issuer = try await TokenIssuer(secret: Self.secret)
        let token = try await issuer.token(subject: "ens-0001", roles: [.participant], academy: "lyon")
        let app = Application(router: try await Self.front().router())
        try await app.test(.router) { client in
            let page = try await client.execute(
                uri: "/espace", method: .get, headers: [.cookie: "magistere_session=\(token)"])
            #expect(page.status == .ok)
            let body = String(buffer: page.body)
            #expect(body.contains("Mon espace"))
            #expect(body.contains("Le service des inscriptions ne répond pas pour le moment."))
            // Behind an authenticating proxy, the bearer token comes in the Authorization header.
            let proxied = try await client.execute(
                uri: "/espace", method: .get, headers: [.authorization: "Bearer \(token)"])
            #expect(proxied.status == .ok)
            // Without a sign-in, the sign-in page, then back here.
            let anonymous = try await client.execute(uri: "/espace", method: .get)
            #expect(anonymous.status == .seeOther)
            #expect(anonymous.headers[.location] == "/connexion?suite=%2Fespace")
            // A token that does not verify is no sign-in.
            let forged = try await client.execute(
                uri: "/espace", method: .get, headers: [.cookie: "magistere_session=\(token.dropLast(3))abc"])
            #expect(forged.status == .seeOther)
        }
    }

    @Test("without demo accounts (real keys), the sign-in page points to the academy's portal and signs nobody in")
    func noDemo() async throws {
        let app = Application(router: try await Self.front(demo: false).router())
        try await app.test(.router) { client in
            let page = try await client.execute(uri: "/connexion", method: .get)
            #expect(!String(buffer: page.body).contains("ens-0001"))
            let csrf = Self.value(Self.cookies(page)[BrowserSessions.csrfCookie])
            let attempt = try await client.execute(
                uri: "/connexion", method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded", .cookie: "magistere_csrf=\(csrf)"],
                body: ByteBuffer(string: "account=ens-0001&_csrf=\(csrf)"))
            #expect(Self.cookies(attempt)[BrowserSessions.tokenCookie] == nil)
        }
    }

    @Test("a form post with a stale anti-forgery token changes nothing and says so")
    func staleForm() async throws {
        let issuer = try await TokenIssuer(secret: Self.secret)
        let token = try await issuer.token(subject: "manager-lyon-01", roles: [.manager], academy: "lyon")
        let app = Application(router: try await Self.front().router())
        try await app.test(.router) { client in
            let response = try await client.execute(
                uri: "/gestion/sessions/ses-1/open", method: .post,
                headers: [
                    .contentType: "application/x-www-form-urlencoded",
                    .cookie: "magistere_session=\(token); magistere_csrf=\(BrowserSessions.randomToken())",
                ], body: ByteBuffer(string: "_csrf=\(BrowserSessions.randomToken())"))
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/gestion/sessions/ses-1")
            let flash = try #require(Self.cookies(response)[BrowserSessions.flashCookie])
            let text = String(data: try #require(Data(base64urlEncoded: Self.value(flash))), encoding: .utf8)
            #expect(text?.contains("Le formulaire a expiré") == true)
        }
    }

    @Test("static assets are a fixed list; anything else is a page saying so")
    func assets() async throws {
        let app = Application(router: try await Self.front().router())
        try await app.test(.router) { client in
            let css = try await client.execute(uri: "/static/site.css", method: .get)
            #expect(css.status == .ok)
            #expect(css.headers[.contentType]?.hasPrefix("text/css") == true)
            let other = try await client.execute(uri: "/static/..%2FTemplates%2Flayout.mustache", method: .get)
            #expect(other.status == .notFound)
        }
    }

    @Test("helpers: a local return path only, CSV cells that cannot run as formulas, Paris local times")
    func helpers() throws {
        #expect(Pages.safeNext("/espace") == "/espace")
        #expect(Pages.safeNext("//evil.example/x") == nil)
        #expect(Pages.safeNext("https://evil.example") == nil)
        #expect(Pages.safeNext("/\\evil.example") == nil)
        #expect(Pages.csvField("=HYPERLINK(\"x\")") == "\"'=HYPERLINK(\"\"x\"\")\"")
        #expect(Pages.csvField("ens-0001") == "ens-0001")
        #expect(Pages.csvField("a,b") == "\"a,b\"")
        let winter = try #require(Pages.parisDate("2027-01-25T08:00"))
        #expect(winter == Date(timeIntervalSince1970: 1_800_860_400))  // 07:00 UTC
        #expect(Pages.parisDate("25/01/2027") == nil)
        #expect(
            APIProblem.title(type: "urn:magistere:problem:conflict", fallback: "x")
                == "Demande impossible dans l'état actuel")
        #expect(
            APIProblem.title(type: "urn:magistere:problem:xapi-invalid", fallback: "Invalid statement")
                == "Invalid statement")
        #expect(APIProblem.title(type: "about:blank", fallback: "Bad") == "Bad")
        let form = Form("a=1&b=x+y%C3%A9&a=2&empty=")
        #expect(form.values["a"] == ["1", "2"])
        #expect(form["b"] == "x yé")
        #expect(form.text("empty") == nil)
    }
}
