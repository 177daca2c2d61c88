import AsyncHTTPClient
import Contracts
import Foundation
import Messaging
import NIOCore
import NIOHTTP1
import Synchronization

/// The three services as the web front sees them: their public HTTP APIs, called with the signed-in
/// person's bearer token. The front owns no domain data and consumes no events.
public struct ServiceURLs: Sendable, Equatable {
    public var catalog: String
    public var enrolment: String
    public var tracking: String

    public init(catalog: String, enrolment: String, tracking: String) {
        self.catalog = Self.trimmed(catalog)
        self.enrolment = Self.trimmed(enrolment)
        self.tracking = Self.trimmed(tracking)
    }

    static func trimmed(_ url: String) -> String { url.hasSuffix("/") ? String(url.dropLast()) : url }
}

/// Which service a call goes to, named as the pages name it to people.
enum Backend: String, Sendable {
    case catalog, enrolment, tracking

    /// How a page names the part of the platform that did not answer.
    var label: String {
        switch self {
        case .catalog: "le catalogue des formations"
        case .enrolment: "le service des inscriptions"
        case .tracking: "le suivi des parcours"
        }
    }
}

/// A refusal or failure a service answered with, read from its `application/problem+json`.
struct APIProblem: Error, Sendable {
    struct FieldError: Sendable, Decodable {
        var field: String?
        var line: Int?
        var problem: String?
    }

    var status: Int
    var title: String
    var detail: String?
    var errors: [FieldError]
    var backend: Backend

    /// The platform's problem kinds (`urn:magistere:problem:<kind>`) as the pages word them; a kind not listed
    /// keeps the service's own title.
    static let frenchTitles = [
        "conflict": "Demande impossible dans l'état actuel", "validation": "Demande invalide",
        "forbidden": "Action non autorisée", "not-found": "Introuvable",
        "version-mismatch": "Modifié entre-temps par quelqu'un d'autre", "too-large": "Envoi trop volumineux",
        "malformed": "Demande illisible", "invalid-query": "Recherche invalide", "unauthenticated": "Connexion requise",
        "partition-not-owned": "Service momentanément indisponible",
        "no-partition-owned": "Service momentanément indisponible",
    ]

    /// The title the pages show: French for the platform's kinds of problem, the service's otherwise.
    static func title(type: String?, fallback: String) -> String {
        guard let type, type.hasPrefix("urn:magistere:problem:") else { return fallback }
        return frenchTitles[String(type.dropFirst("urn:magistere:problem:".count))] ?? fallback
    }

    /// The problem in words for the page: title, detail, then each field or line.
    var lines: [String] {
        var lines = [detail.map { "\(title) : \($0)" } ?? title]
        for error in errors {
            var where_ = ""
            if let line = error.line { where_ += "ligne \(line)" }
            if let field = error.field { where_ += where_.isEmpty ? "champ « \(field) »" : ", champ « \(field) »" }
            lines.append(where_.isEmpty ? (error.problem ?? "") : "\(where_) : \(error.problem ?? "invalide")")
        }
        return lines
    }
}

/// A service that did not answer at all (down, or not reachable).
struct BackendUnavailable: Error, Sendable {
    var backend: Backend
}

/// Remembers for a few seconds that a service did not answer, so that the next calls (the other parts of the
/// same page, the next pages) say so at once instead of each waiting for its own deadline.
final class Breaker: Sendable {
    private let downUntil = Mutex<[Backend: ContinuousClock.Instant]>([:])
    let pause: Duration

    init(pause: Duration = .seconds(5)) { self.pause = pause }

    func isOpen(_ backend: Backend) -> Bool {
        downUntil.withLock { ($0[backend] ?? .now) > .now }
    }

    func failed(_ backend: Backend) { downUntil.withLock { $0[backend] = .now + pause } }
    func answered(_ backend: Backend) { downUntil.withLock { _ = $0.removeValue(forKey: backend) } }
}

/// Calls the services over HTTP with a shared client.
struct ServiceClient: Sendable {
    let http: HTTPClient
    let urls: ServiceURLs
    let breaker = Breaker()
    /// Reads wait at most this long (a page waits for its slowest part); commands longer.
    let readTimeout: TimeAmount = .seconds(3)
    let commandTimeout: TimeAmount = .seconds(10)
    static let maximumBody = 8 << 20

    func base(_ backend: Backend) -> String {
        switch backend {
        case .catalog: urls.catalog
        case .enrolment: urls.enrolment
        case .tracking: urls.tracking
        }
    }

    /// `GET`s a JSON document.
    func get<T: Decodable>(
        _ backend: Backend, _ path: String, token: String?, as type: T.Type = T.self
    )
        async throws -> T
    {
        let body = try await call(.GET, backend, path, token: token)
        return try Self.decode(T.self, body, backend)
    }

    /// Sends a command; `json` is encoded as the body when given, `text` (with its type) otherwise.
    @discardableResult
    func send(
        _ method: HTTPMethod, _ backend: Backend, _ path: String, token: String?, json: (any Encodable)? = nil,
        text: String? = nil, contentType: String = "application/json", ifMatch: String? = nil
    ) async throws -> ByteBuffer {
        var body: ByteBuffer?
        var type: String?
        if let json {
            body = ByteBuffer(data: try EventCoding.encoder().encode(json))
            type = "application/json"
        } else if let text {
            body = ByteBuffer(string: text)
            type = contentType
        }
        return try await call(method, backend, path, token: token, body: body, contentType: type, ifMatch: ifMatch)
    }

    /// The raw exchange: a 2xx body, an ``APIProblem`` for any other status, ``BackendUnavailable`` when the
    /// service does not answer.
    func call(
        _ method: HTTPMethod, _ backend: Backend, _ path: String, token: String?, body: ByteBuffer? = nil,
        contentType: String? = nil, ifMatch: String? = nil
    ) async throws -> ByteBuffer {
        var request = HTTPClientRequest(url: base(backend) + path)
        request.method = method
        request.headers.add(name: "Accept", value: "application/json")
        if let ifMatch { request.headers.add(name: "If-Match", value: ifMatch) }
        if let trace = TraceContext.current {
            request.headers.add(name: "traceparent", value: trace.child().traceparent)
        }
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body {
            request.body = .bytes(body)
            request.headers.add(name: "Content-Type", value: contentType ?? "application/json")
        }
        guard !breaker.isOpen(backend) else { throw BackendUnavailable(backend: backend) }
        let response: HTTPClientResponse
        let bytes: ByteBuffer
        do {
            response = try await http.execute(request, timeout: method == .GET ? readTimeout : commandTimeout)
            bytes = try await response.body.collect(upTo: Self.maximumBody)
        } catch {
            breaker.failed(backend)
            throw BackendUnavailable(backend: backend)
        }
        breaker.answered(backend)
        guard (200..<300).contains(Int(response.status.code)) else {
            throw Self.problem(status: Int(response.status.code), bytes, backend)
        }
        return bytes
    }

    static func decode<T: Decodable>(_ type: T.Type, _ body: ByteBuffer, _ backend: Backend) throws -> T {
        do {
            return try EventCoding.decoder().decode(T.self, from: Data(buffer: body))
        } catch {
            throw APIProblem(
                status: 502, title: "Réponse inattendue", detail: "\(backend.label) a répondu dans une forme inconnue",
                errors: [], backend: backend)
        }
    }

    static func problem(status: Int, _ body: ByteBuffer, _ backend: Backend) -> APIProblem {
        struct Document: Decodable {
            var type: String?
            var title: String?
            var detail: String?
            var errors: [APIProblem.FieldError]?
        }
        let document = try? JSONDecoder().decode(Document.self, from: Data(buffer: body))
        return APIProblem(
            status: status,
            title: APIProblem.title(type: document?.type, fallback: document?.title ?? "Erreur \(status)"),
            detail: document?.detail,
            errors: document?.errors ?? [], backend: backend)
    }
}

extension String {
    /// The string as one path segment or query value.
    var urlEncoded: String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return addingPercentEncoding(withAllowedCharacters: allowed) ?? self
    }
}
