import Foundation
import Hummingbird
import Mustache
import ServiceSupport

/// Renders pages: every page is its template inside `layout`, given `layout` (title, who is signed in, the
/// navigation, the one-time message, the anti-forgery token) and `page` (the page's own values).
struct Renderer: Sendable {
    let library: MustacheLibrary

    struct Layout: Sendable {
        struct Link: Sendable {
            var href: String
            var label: String
            var current: Bool
        }
        var title: String
        var signedIn: Bool
        var subject: String
        var roleLabel: String
        var navigation: [Link]
        var flash: Flash?
        var csrf: String
    }

    struct Context<Page: Sendable>: Sendable {
        var layout: Layout
        var page: Page
    }

    func page<Page: Sendable>(
        _ template: String, title: String, visitor: Visitor, request: Request, sessions: BrowserSessions, _ page: Page,
        status: HTTPResponse.Status = .ok
    ) throws -> Response {
        let flash = BrowserSessions.flash(request)
        let layout = Layout(
            title: title, signedIn: visitor.caller != nil, subject: visitor.subject ?? "",
            roleLabel: Self.roleLabel(visitor), navigation: Self.navigation(visitor, path: request.uri.path),
            flash: flash, csrf: visitor.csrf)
        guard let html = library.render(Context(layout: layout, page: page), withTemplate: template) else {
            throw WebFrontError("no template named \(template)")
        }
        var response = Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: .init(string: html)))
        if flash != nil { response.setCookie(sessions.clearFlashCookie()) }
        if visitor.newCSRFCookie { response.setCookie(sessions.csrfCookie(visitor.csrf)) }
        return response
    }

    static func roleLabel(_ visitor: Visitor) -> String {
        guard let caller = visitor.caller else { return "" }
        let names: [Role: String] = [
            .participant: "enseignant·e", .trainer: "formateur·rice", .tutor: "tuteur·rice", .manager: "gestionnaire",
            .designer: "concepteur·rice", .operator: "exploitation", .inspector: "inspecteur·rice",
        ]
        let roles = caller.roles.sorted().compactMap { names[$0] }.joined(separator: ", ")
        return caller.academy.map { "\(roles) — académie de \($0.capitalizedFirst)" } ?? roles
    }

    static func navigation(_ visitor: Visitor, path: String) -> [Layout.Link] {
        var links = [("/catalogue", "Catalogue")]
        if visitor.has(.participant) { links.append(("/espace", "Mon espace")) }
        if visitor.isStaff { links.append(("/formateur", "Mes sessions")) }
        if visitor.has(.manager) { links.append(("/gestion", "Gestion des sessions")) }
        if visitor.has(.designer) { links.append(("/conception", "Conception")) }
        if visitor.has(.inspector) || visitor.has(.manager) { links.append(("/circonscriptions", "Circonscriptions")) }
        return links.map { href, label in
            Layout.Link(href: href, label: label, current: path == href || path.hasPrefix(href + "/"))
        }
    }
}

/// `303 See Other` to `location`, with a one-time message for the page it leads to.
func redirect(_ location: String, _ flash: Flash? = nil, sessions: BrowserSessions) -> Response {
    var response = Response(status: .seeOther, headers: [.location: location])
    if let flash { response.setCookie(sessions.flashCookie(flash)) }
    return response
}
