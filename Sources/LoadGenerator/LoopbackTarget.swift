import Foundation

/// A service the load generator may drive: an `http://` URL on this machine's loopback interface.
///
/// The generator sends thousands of writes a second with tokens it mints itself: pointed at a shared or
/// production deployment by mistake it would do real harm, so anything but loopback is refused outright.
public struct LoopbackTarget: Sendable, Hashable, CustomStringConvertible {
    /// The address connected to: `127.x.y.z` or `::1` (`localhost` is taken as `127.0.0.1`).
    public var host: String
    public var port: Int
    /// The `Host` header value of every request.
    public var authority: String

    /// Parses `http://HOST:PORT` (a trailing `/` is allowed); throws ``NotLoopback`` unless HOST is loopback.
    public init(url: String) throws {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            let rawHost = components.host, !rawHost.isEmpty
        else {
            throw NotLoopback(url: url, reason: "not a URL like http://127.0.0.1:8083")
        }
        guard scheme == "http" else {
            throw NotLoopback(url: url, reason: "only plain http:// on loopback is driven (got \(scheme)://)")
        }
        guard components.path.isEmpty || components.path == "/", components.query == nil else {
            throw NotLoopback(url: url, reason: "give the service's base URL, without a path or query")
        }
        let host = rawHost.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        guard let address = Self.loopbackAddress(host) else {
            throw NotLoopback(
                url: url, reason: "\(rawHost) is not a loopback address (127.0.0.0/8, ::1 or localhost)")
        }
        self.host = address
        self.port = components.port ?? 80
        self.authority = (address.contains(":") ? "[\(address)]" : address) + ":\(port)"
    }

    public var description: String { "http://\(authority)" }

    /// The address to connect to when `host` is loopback, else nil. Names other than `localhost` are refused
    /// without resolving them: a name is whatever the resolver says it is today.
    static func loopbackAddress(_ host: String) -> String? {
        if host == "localhost" || host == "localhost." { return "127.0.0.1" }
        if host == "::1" || host == "0:0:0:0:0:0:0:1" { return "::1" }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return nil }
        var values: [Int] = []
        for octet in octets {
            guard !octet.isEmpty, octet.count <= 3, octet.allSatisfy(\.isASCII), let value = Int(octet),
                (0...255).contains(value)
            else { return nil }
            values.append(value)
        }
        return values[0] == 127 ? values.map(String.init).joined(separator: ".") : nil
    }
}

/// The generator was pointed at something other than this machine's loopback interface.
public struct NotLoopback: Error, CustomStringConvertible, Sendable {
    public var url: String
    public var reason: String

    public var description: String {
        "refusing to drive \(url): \(reason). The load generator only runs against services on this machine's loopback interface."
    }
}
