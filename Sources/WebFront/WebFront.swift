import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Mustache
import ServiceSupport

/// The web front (`magistere web`, and the fourth server of `magistere up`): server-rendered pages for
/// teachers, trainers and managers, talking to the three services only through their public HTTP APIs with
/// the signed-in person's token. A backend-for-frontend: no store, no events.
public struct WebFront: Sendable {
    public struct Configuration: Sendable {
        public var services: ServiceURLs
        /// Verifies the tokens the front holds for its visitors (the same keys as the services').
        public var authenticator: Authenticator
        /// Signs the demo accounts' tokens: the embedded mode only (`nil` where real keys are in use, and the
        /// sign-in page then says to come through the authenticating proxy).
        public var demoIssuer: TokenIssuer?
        /// Cookies marked `Secure`: the front is reached over TLS.
        public var secureCookies: Bool

        public init(services: ServiceURLs, authenticator: Authenticator, demoIssuer: TokenIssuer?, secureCookies: Bool)
        {
            self.services = services
            self.authenticator = authenticator
            self.demoIssuer = demoIssuer
            self.secureCookies = secureCookies
        }
    }

    let configuration: Configuration
    let pages: Pages

    /// Loads the templates; the HTTP client is the process's shared one.
    public init(_ configuration: Configuration, httpClient: HTTPClient = .shared) async throws {
        self.configuration = configuration
        guard let folder = Bundle.module.resourceURL?.appendingPathComponent("Templates").path else {
            throw WebFrontError("the web front's templates are missing from the binary's resources")
        }
        let library = try await MustacheLibrary(directory: folder)
        pages = Pages(
            client: ServiceClient(http: httpClient, urls: configuration.services),
            sessions: BrowserSessions(
                authenticator: configuration.authenticator, secureCookies: configuration.secureCookies),
            renderer: Renderer(library: library), demoIssuer: configuration.demoIssuer)
    }

    /// The front's router: pages, forms, static assets and the probes.
    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        // Request id, trace context, access log and HTTP metrics, as on the services; the trace goes on to every
        // call the page makes (ServiceClient), so one trace id follows a click through the services and their events.
        router.add(middleware: ObservabilityMiddleware<BasicRequestContext>(service: "web"))
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: PageErrorMiddleware(renderer: pages.renderer, sessions: pages.sessions))
        // Probes: the front keeps nothing, so it is ready when it serves; each page says which service is not.
        for probe in ["/health", "/ready"] {
            router.get(RouterPath(probe)) { _, _ in
                Response(
                    status: .ok, headers: [.contentType: "application/json"],
                    body: .init(byteBuffer: .init(string: #"{"status":"ok"}"#)))
            }
        }
        router.get("/static/{file}") { _, context in try Self.asset(context.parameters.get("file") ?? "") }
        pages.addRoutes(to: router)
        return router
    }

    /// A server for the front on `host:port`, for a `ServiceGroup`.
    public func application(
        host: String, port: Int, logger: Logger, onReady: (@Sendable () async -> Void)? = nil
    ) -> some ApplicationProtocol {
        var logger = logger
        logger[metadataKey: "service"] = "web"
        return Application(
            router: router(), configuration: .init(address: .hostname(host, port: port), serverName: "magistere-web"),
            onServerRunning: { _ in await onReady?() }, logger: logger)
    }

    /// The static assets of the package's `Static` folder (a fixed list: no path is read from the URL).
    static func asset(_ name: String) throws -> Response {
        let types = ["site.css": "text/css; charset=utf-8", "site.js": "text/javascript; charset=utf-8"]
        guard let type = types[name], let url = Bundle.module.resourceURL?.appendingPathComponent("Static/\(name)"),
            let data = FileManager.default.contents(atPath: url.path)
        else { throw HTTPError(.notFound) }
        return Response(
            status: .ok, headers: [.contentType: type, .cacheControl: "public, max-age=3600"],
            body: .init(byteBuffer: .init(bytes: data)))
    }
}

public struct WebFrontError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}

/// Headers every page carries: a strict Content-Security-Policy (no inline script or style, forms post
/// only here), no sniffing, no framing, no referrer beyond this site.
struct SecurityHeadersMiddleware: RouterMiddleware {
    static let policy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
        + "frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
    static let frameOptions = HTTPField.Name("X-Frame-Options")!
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!

    func handle(
        _ request: Request, context: BasicRequestContext, next: (Request, BasicRequestContext) async throws -> Response
    ) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.contentSecurityPolicy] = Self.policy
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[Self.frameOptions] = "DENY"
        response.headers[Self.referrerPolicy] = "same-origin"
        return response
    }
}

/// A page whose service failed becomes a page in words: which part of the platform did not answer, or what
/// the service refused, never a stack trace.
struct PageErrorMiddleware: RouterMiddleware {
    let renderer: Renderer
    let sessions: BrowserSessions

    func handle(
        _ request: Request, context: BasicRequestContext, next: (Request, BasicRequestContext) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let unavailable as BackendUnavailable {
            context.logger.warning("a service did not answer", metadata: ["backend": "\(unavailable.backend.rawValue)"])
            return try await errorPage(
                request, status: .serviceUnavailable, title: "Service momentanément indisponible",
                lines: [
                    "\(unavailable.backend.label.capitalizedFirst) ne répond pas pour le moment. Le reste du site reste utilisable ; réessayez dans quelques instants."
                ])
        } catch let problem as APIProblem {
            let status = HTTPResponse.Status(code: problem.status)
            return try await errorPage(
                request, status: status, title: problem.title,
                lines: Array(problem.lines.dropFirst(problem.detail == nil ? 1 : 0)))
        } catch let error as HTTPError where error.status == .notFound {
            return try await errorPage(
                request, status: .notFound, title: "Page introuvable",
                lines: ["Cette adresse ne correspond à aucune page."])
        }
    }

    private func errorPage(
        _ request: Request, status: HTTPResponse.Status, title: String, lines: [String]
    ) async throws -> Response {
        let visitor = await sessions.visitor(request)
        return try renderer.page(
            "error", title: title, visitor: visitor, request: request, sessions: sessions,
            ErrorPage(heading: title, lines: lines), status: status)
    }
}

/// The `error` template's page: what went wrong, in words.
struct ErrorPage: Sendable {
    var heading: String
    var lines: [String]
}

extension String {
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
