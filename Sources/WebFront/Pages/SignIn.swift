import Foundation
import Hummingbird
import ServiceSupport

/// Signing in. In the embedded mode (`magistere up`), a page to choose a demo person and role, whose token the
/// front signs with the embedded secret. In a deployment, the authenticating proxy in front of the site puts
/// the person's bearer token in the `Authorization` header of every request, and this page says so.
extension Pages {
    struct DemoAccount: Sendable {
        var subject: String
        var label: String
        var roles: [Role]
        var academy: String
        var home: String
        var districts: [String] = []
    }

    static let demoAccounts = [
        DemoAccount(
            subject: "ens-0001", label: "Enseignante de l'académie de Lyon", roles: [.participant], academy: "lyon",
            home: "/espace"),
        DemoAccount(
            subject: "ens-0002", label: "Enseignant de l'académie de Lyon", roles: [.participant], academy: "lyon",
            home: "/espace"),
        DemoAccount(
            subject: "ens-0003", label: "Enseignante de l'académie de Lyon", roles: [.participant], academy: "lyon",
            home: "/espace"),
        DemoAccount(
            subject: "trainer-lyon-07", label: "Formateur de l'académie de Lyon", roles: [.trainer], academy: "lyon",
            home: "/formateur"),
        DemoAccount(
            subject: "manager-lyon-01", label: "Gestionnaire des sessions de l'académie de Lyon", roles: [.manager],
            academy: "lyon", home: "/gestion"),
        DemoAccount(
            subject: "conc-lyon-02", label: "Concepteur de parcours de l'académie de Lyon", roles: [.designer],
            academy: "lyon", home: "/conception"),
        DemoAccount(
            subject: "ien-lyon-03", label: "Inspectrice des circonscriptions Lyon 3e et Villeurbanne",
            roles: [.inspector], academy: "lyon", home: "/circonscriptions", districts: ["Lyon 3e", "Villeurbanne"]),
    ]

    struct SignInPage: Sendable {
        struct Account: Sendable {
            var subject: String
            var label: String
        }
        var demo: Bool
        var accounts: [Account]
        var next: String
    }

    func addSignIn(to router: Router<BasicRequestContext>) {
        router.get("/connexion") { request, _ in
            let visitor = await sessions.visitor(request)
            let next = Self.safeNext(Form(request.uri.query ?? "")["suite"])
            return try render(
                "signin", "Connexion", visitor, request,
                SignInPage(
                    demo: demoIssuer != nil,
                    accounts: Self.demoAccounts.map { .init(subject: $0.subject, label: $0.label) }, next: next ?? ""))
        }
        router.post("/connexion") { request, _ in
            let form = try await Form.read(request, limit: 16 << 10)
            guard BrowserSessions.checkCSRF(form, request) else {
                return redirect(
                    "/connexion",
                    Flash(kind: .error, lines: ["Le formulaire a expiré : rechargez la page et recommencez."]),
                    sessions: sessions)
            }
            guard let issuer = demoIssuer else {
                return redirect(
                    "/connexion",
                    Flash(kind: .error, lines: ["Les comptes de démonstration n'existent pas sur ce site."]),
                    sessions: sessions)
            }
            guard let account = Self.demoAccounts.first(where: { $0.subject == form["account"] }) else {
                return redirect(
                    "/connexion", Flash(kind: .error, lines: ["Choisissez une des personnes de la liste."]),
                    sessions: sessions)
            }
            let token = try await issuer.token(
                subject: account.subject, roles: account.roles, academy: account.academy, districts: account.districts,
                lifetime: sessions.lifetime)
            var response = redirect(
                Self.safeNext(form["suite"]) ?? account.home,
                Flash(kind: .success, lines: ["Vous êtes connecté·e comme \(account.subject)."]), sessions: sessions)
            response.setCookie(sessions.signInCookie(token))
            return response
        }
        router.post("/deconnexion") { request, _ in
            let form = try await Form.read(request, limit: 16 << 10)
            guard BrowserSessions.checkCSRF(form, request) else {
                return redirect("/catalogue", sessions: sessions)
            }
            var response = redirect(
                "/catalogue", Flash(kind: .success, lines: ["Vous êtes déconnecté·e."]), sessions: sessions)
            response.setCookie(sessions.signOutCookie())
            return response
        }
    }

    /// A local path to go back to after signing in; anything else (another site, `//host`) is dropped.
    static func safeNext(_ next: String?) -> String? {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.contains("\\"), next.count < 300 else {
            return nil
        }
        return next
    }
}
