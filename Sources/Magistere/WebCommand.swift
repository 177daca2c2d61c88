import ArgumentParser
import Foundation
import ServiceSupport
import WebFront

/// `magistere web`: the web front on its own, in front of services deployed elsewhere.
struct WebCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "web",
        abstract: "Serve the web pages (catalogue, teacher's space, trainer's dashboard, manager's desk).",
        discussion: """
            A backend-for-frontend: it calls the three services' HTTP APIs with the signed-in person's token and \
            keeps nothing. In a deployment an authenticating proxy in front of it puts the person's bearer token \
            in the Authorization header; --demo-accounts (HS256 secret only) offers demo people instead.
            """)
    @OptionGroup var runtime: RuntimeOptions
    @Option(help: "HTTP port (env MAGISTERE_WEB_PORT; default 8080).") var port: String?
    @Option(name: .customLong("catalog-url"), help: "env MAGISTERE_CATALOG_URL; default http://127.0.0.1:8081.")
    var catalogURL: String?
    @Option(name: .customLong("enrolment-url"), help: "env MAGISTERE_ENROLMENT_URL; default http://127.0.0.1:8082.")
    var enrolmentURL: String?
    @Option(name: .customLong("tracking-url"), help: "env MAGISTERE_TRACKING_URL; default http://127.0.0.1:8083.")
    var trackingURL: String?
    @Option(name: .customLong("secure-cookies"), help: "true behind HTTPS (env MAGISTERE_WEB_SECURE_COOKIES).")
    var secureCookies: String?
    @Option(name: .customLong("demo-accounts"), help: "true: demo sign-in (env MAGISTERE_WEB_DEMO_ACCOUNTS).")
    var demoAccounts: String?

    func run() async throws {
        let (logger, registry) = try runtime.bootstrap()
        let configuration = try await WebSettings(
            catalogURL: catalogURL, enrolmentURL: enrolmentURL, trackingURL: trackingURL, secureCookies: secureCookies,
            demoAccounts: demoAccounts
        ).configuration(auth: runtime.auth, embeddedDataDirectory: nil)
        let web = try await WebFront(configuration)
        let port = try RuntimeOptions.port(port, Settings.webPort)
        logger.info("web listening", metadata: ["http.port": "\(port)"])
        try await ServiceRunner.run(
            [], registry: registry, logger: logger,
            alongside: [web.application(host: runtime.resolvedHost, port: port, logger: logger)])
    }
}

/// The web front's settings, shared by `web` and `up`.
struct WebSettings {
    var catalogURL: String?
    var enrolmentURL: String?
    var trackingURL: String?
    var secureCookies: String?
    var demoAccounts: String?

    func configuration(
        auth: AuthOptions, embeddedDataDirectory: String?, demoByDefault: Bool = false
    ) async throws
        -> WebFront.Configuration
    {
        let authConfiguration = try auth.configuration(embeddedDataDirectory: embeddedDataDirectory)
        let demoText = Settings.webDemoAccounts.resolve(demoAccounts)
        let hmacOnly =
            authConfiguration.hmacSecret != nil && authConfiguration.publicKeyPEMs.isEmpty
            && authConfiguration.jwks == nil
        let demoUnset =
            demoAccounts == nil && ProcessInfo.processInfo.environment[Settings.webDemoAccounts.environment] == nil
        // `up` offers the demo people unless told otherwise, as long as only the embedded secret is in use.
        let demo = demoByDefault && demoUnset ? hmacOnly : try Self.flag(demoText, Settings.webDemoAccounts)
        var issuer: TokenIssuer?
        if demo {
            guard let secret = authConfiguration.hmacSecret, hmacOnly else {
                throw ValidationError(
                    "--demo-accounts needs the HS256 secret of the embedded mode, and is refused beside an identity provider's keys"
                )
            }
            issuer = try await TokenIssuer(
                secret: secret, issuer: authConfiguration.issuer, audience: authConfiguration.audience)
        }
        for (setting, value) in [
            (Settings.catalogURL, catalogURL), (Settings.enrolmentURL, enrolmentURL),
            (Settings.trackingURL, trackingURL),
        ] {
            let url = setting.resolve(value)
            guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme ?? ""), parsed.host != nil
            else {
                throw ValidationError("\(setting.flag) must be an http(s) URL, not '\(url)'")
            }
        }
        return WebFront.Configuration(
            services: ServiceURLs(
                catalog: Settings.catalogURL.resolve(catalogURL),
                enrolment: Settings.enrolmentURL.resolve(enrolmentURL),
                tracking: Settings.trackingURL.resolve(trackingURL)),
            authenticator: try auth.authenticator(embeddedDataDirectory: embeddedDataDirectory), demoIssuer: issuer,
            secureCookies: try Self.flag(Settings.webSecureCookies.resolve(secureCookies), Settings.webSecureCookies))
    }

    static func flag(_ text: String, _ setting: Setting) throws -> Bool {
        switch text.lowercased() {
        case "true", "1", "yes": return true
        case "false", "0", "no", "": return false
        default: throw ValidationError("\(setting.flag) must be true or false, not '\(text)'")
        }
    }
}
