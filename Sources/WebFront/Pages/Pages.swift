import Contracts
import Foundation
import Hummingbird
import ServiceSupport

/// Every page and form of the front. Pages `GET`; forms `POST` (with the anti-forgery token), then redirect
/// to a page with a one-time message: what was done, or what the service refused and why.
struct Pages: Sendable {
    let client: ServiceClient
    let sessions: BrowserSessions
    let renderer: Renderer
    let demoIssuer: TokenIssuer?

    func addRoutes(to router: Router<BasicRequestContext>) {
        router.get("/") { _, _ in Response(status: .seeOther, headers: [.location: "/catalogue"]) }
        addSignIn(to: router)
        addCatalogue(to: router)
        addTeacherSpace(to: router)
        addTrainerDashboard(to: router)
        addManagerDesk(to: router)
        addDesignerPages(to: router)
        addInspectorPages(to: router)
    }

    func render<Page: Sendable>(
        _ template: String, _ title: String, _ visitor: Visitor, _ request: Request, _ page: Page,
        status: HTTPResponse.Status = .ok
    ) throws -> Response {
        try renderer.page(
            template, title: title, visitor: visitor, request: request, sessions: sessions, page, status: status)
    }

    /// A page for signed-in people with one of `roles`: the sign-in page first for anyone else, and a refusal
    /// in words for a signed-in person without the role.
    func signedIn(
        _ request: Request, _ roles: Set<Role>, page: (Visitor, String) async throws -> Response
    ) async throws -> Response {
        let visitor = await sessions.visitor(request)
        guard let caller = visitor.caller, let token = visitor.token else {
            let next = request.uri.path.urlEncoded
            return redirect("/connexion?suite=\(next)", sessions: sessions)
        }
        guard !caller.roles.isDisjoint(with: roles) else {
            return try render(
                "error", "Accès refusé", visitor, request,
                ErrorPage(heading: "Accès refusé", lines: ["Cette page n'est pas ouverte à votre rôle."]),
                status: .forbidden)
        }
        return try await page(visitor, token)
    }

    /// A form post: checks the anti-forgery token and the sign-in, runs `action`, and redirects to `back` with
    /// its message, or with the service's refusal in words.
    func formPost(
        _ request: Request, back: String, _ roles: Set<Role>,
        action: (Form, Visitor, String) async throws -> (message: String, location: String?)
    ) async throws -> Response {
        let form = try await Form.read(request)
        guard BrowserSessions.checkCSRF(form, request) else {
            return redirect(
                back, Flash(kind: .error, lines: ["Le formulaire a expiré : rechargez la page et recommencez."]),
                sessions: sessions)
        }
        let visitor = await sessions.visitor(request)
        guard let caller = visitor.caller, let token = visitor.token, !caller.roles.isDisjoint(with: roles) else {
            return redirect("/connexion?suite=\(back.urlEncoded)", sessions: sessions)
        }
        do {
            let (message, location) = try await action(form, visitor, token)
            return redirect(location ?? back, Flash(kind: .success, lines: [message]), sessions: sessions)
        } catch let problem as APIProblem {
            return redirect(back, Flash(kind: .error, lines: problem.lines), sessions: sessions)
        } catch let invalid as InvalidForm {
            return redirect(back, Flash(kind: .error, lines: invalid.lines), sessions: sessions)
        } catch let unavailable as BackendUnavailable {
            return redirect(
                back,
                Flash(
                    kind: .error,
                    lines: [
                        "\(unavailable.backend.label.capitalizedFirst) ne répond pas : rien n'a été changé, réessayez."
                    ]),
                sessions: sessions)
        }
    }

    /// A path parameter that is a plausible id (the services check it again).
    static func identifier(_ context: BasicRequestContext, _ name: String = "id") throws -> String {
        guard let value = context.parameters.get(name), PseudonymousIdentifier.isValid(value) else {
            throw HTTPError(.notFound)
        }
        return value
    }

    /// What a part of a page shows when its service did not answer, while the rest of the page is shown.
    static func section<T: Sendable>(_ load: () async throws -> T) async throws -> Section<T> {
        do {
            return Section(value: try await load(), unavailable: nil)
        } catch let unavailable as BackendUnavailable {
            return Section(
                value: nil, unavailable: "\(unavailable.backend.label.capitalizedFirst) ne répond pas pour le moment.")
        } catch let problem as APIProblem where problem.status == 404 {
            return Section(value: nil, unavailable: nil)
        }
    }
}

/// A part of a page and, when its service did not answer, the sentence shown instead.
struct Section<T: Sendable>: Sendable {
    var value: T?
    var unavailable: String?
}

/// A form the front itself refuses before calling a service, with the fields in words.
struct InvalidForm: Error {
    var lines: [String]
}
