import Crypto
import Foundation
import Hummingbird
import ServiceSupport

/// The person behind a browser request: their bearer token (from the sign-in cookie, or from the
/// `Authorization` header an authenticating proxy adds), what it says of them once verified, and the
/// request's anti-forgery token.
struct Visitor: Sendable {
    var token: String?
    var caller: Caller?
    /// The double-submit value every form carries back (`_csrf`); it equals the `magistere_csrf` cookie.
    var csrf: String
    /// A `magistere_csrf` cookie to set: the browser had none.
    var newCSRFCookie: Bool

    var subject: String? { caller?.subject }
    func has(_ role: Role) -> Bool { caller?.has(role) ?? false }
    var isStaff: Bool { has(.trainer) || has(.tutor) }
}

/// Cookies and tokens of the web front.
struct BrowserSessions: Sendable {
    static let tokenCookie = "magistere_session"
    static let csrfCookie = "magistere_csrf"
    static let flashCookie = "magistere_flash"
    static let csrfField = "_csrf"

    let authenticator: Authenticator
    /// `Secure` cookies: the front is served over TLS (directly or by its proxy).
    let secureCookies: Bool
    /// Sign-in lifetime, also the cookie's.
    let lifetime: TimeInterval = 8 * 3600

    /// Who is calling, from the proxy's header first, then the sign-in cookie. A token that no longer verifies
    /// (expired, other keys) is treated as no sign-in at all.
    func visitor(_ request: Request) async -> Visitor {
        let cookies = request.cookies
        let presented = cookies[Self.csrfCookie]?.value
        let csrf = presented.flatMap { Self.isWellFormedCSRF($0) ? $0 : nil } ?? Self.randomToken()
        var token: String?
        if let header = request.headers[.authorization], header.hasPrefix("Bearer ") {
            token = String(header.dropFirst("Bearer ".count))
        } else {
            token = cookies[Self.tokenCookie]?.value
        }
        var caller: Caller?
        if let candidate = token {
            caller = try? await authenticator.caller(fromToken: candidate)
            if caller == nil { token = nil }
        }
        return Visitor(token: token, caller: caller, csrf: csrf, newCSRFCookie: csrf != presented)
    }

    func signInCookie(_ token: String) -> Cookie {
        Cookie(
            name: Self.tokenCookie, value: token, maxAge: Int(lifetime), path: "/", secure: secureCookies,
            httpOnly: true, sameSite: .lax)
    }

    func signOutCookie() -> Cookie {
        Cookie(
            name: Self.tokenCookie, value: "", maxAge: 0, path: "/", secure: secureCookies, httpOnly: true,
            sameSite: .lax)
    }

    func csrfCookie(_ value: String) -> Cookie {
        Cookie(name: Self.csrfCookie, value: value, path: "/", secure: secureCookies, httpOnly: true, sameSite: .strict)
    }

    /// A one-time message for the next page (after a redirect): base64url of its UTF-8 lines.
    func flashCookie(_ flash: Flash) -> Cookie {
        let text = ([flash.kind.rawValue] + flash.lines).joined(separator: "\n")
        return Cookie(
            name: Self.flashCookie, value: Self.base64url(Data(text.utf8)), maxAge: 60, path: "/",
            secure: secureCookies, httpOnly: true, sameSite: .lax)
    }

    func clearFlashCookie() -> Cookie {
        Cookie(
            name: Self.flashCookie, value: "", maxAge: 0, path: "/", secure: secureCookies, httpOnly: true,
            sameSite: .lax)
    }

    static func flash(_ request: Request) -> Flash? {
        guard let value = request.cookies[flashCookie]?.value, !value.isEmpty,
            let data = Data(base64urlEncoded: value), let text = String(data: data, encoding: .utf8)
        else { return nil }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let kind = Flash.Kind(rawValue: lines.removeFirst()) else { return nil }
        return Flash(kind: kind, lines: Array(lines.prefix(50)))
    }

    /// Whether a form's `_csrf` matches the browser's cookie (compared in constant time).
    static func checkCSRF(_ form: Form, _ request: Request) -> Bool {
        guard let cookie = request.cookies[csrfCookie]?.value, let field = form[csrfField],
            isWellFormedCSRF(cookie), cookie.utf8.count == field.utf8.count
        else { return false }
        return zip(cookie.utf8, field.utf8).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    static func isWellFormedCSRF(_ value: String) -> Bool {
        value.utf8.count == 43
            && value.utf8.allSatisfy {
                $0 == 45 || $0 == 95 || (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0)
            }
    }

    static func randomToken() -> String {
        base64url(Data(SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }))
    }

    static func base64url(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

/// A message shown once at the top of the next page.
struct Flash: Sendable {
    enum Kind: String, Sendable {
        case success, error
    }
    var kind: Kind
    var lines: [String]
    /// Stored, not computed: templates see stored properties only.
    var isError: Bool

    init(kind: Kind, lines: [String]) {
        self.kind = kind
        self.lines = lines
        isError = kind == .error
    }
}

extension Data {
    init?(base64urlEncoded text: String) {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        self.init(base64Encoded: base64)
    }
}

/// An `application/x-www-form-urlencoded` body or a query string, read as its names' values.
struct Form: Sendable {
    var values: [String: [String]] = [:]

    init(_ encoded: String) {
        for pair in encoded.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String {
                String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            let name = decode(parts[0])
            values[name, default: []].append(parts.count > 1 ? decode(parts[1]) : "")
        }
    }

    /// The body of a form post, refused above `limit` bytes.
    static func read(_ request: Request, limit: Int = 1 << 20) async throws -> Form {
        let buffer = try await request.body.collect(upTo: limit)
        return Form(String(buffer: buffer))
    }

    subscript(_ name: String) -> String? { values[name]?.first }

    /// A trimmed, non-empty value.
    func text(_ name: String) -> String? {
        guard let value = self[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else {
            return nil
        }
        return value
    }
}
