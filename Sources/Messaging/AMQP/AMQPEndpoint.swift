import Foundation

/// Where and how to reach the broker, parsed from an `amqp://` or `amqps://` URL.
///
/// A RabbitMQ cluster is reached through any of its nodes: the URL may name several,
/// `amqp://user:password@rabbit-1:5672,rabbit-2:5672,rabbit-3/vhost` (same user, vhost and scheme for all). A
/// connection tries them in that order and takes the first that answers, so that a service whose node goes
/// away reconnects to another one.
public struct AMQPEndpoint: Sendable, Equatable, CustomStringConvertible {
    /// One broker node's address.
    public struct Node: Sendable, Equatable, CustomStringConvertible {
        public var host: String
        public var port: Int

        public init(host: String, port: Int) {
            self.host = host
            self.port = port
        }

        public var description: String {
            host.contains(":") && !host.hasPrefix("[") ? "[\(host)]:\(port)" : "\(host):\(port)"
        }
    }

    /// The nodes, in the order connections try them (never empty).
    public var nodes: [Node]
    public var vhost: String
    public var user: String
    public var password: String
    public var tls: Bool
    /// PEM file of the CA that signed the broker's certificate (TLS only).
    public var caCertificatePath: String?

    /// The first node's host.
    public var host: String {
        get { nodes[0].host }
        set { nodes[0].host = newValue }
    }

    /// The first node's port.
    public var port: Int {
        get { nodes[0].port }
        set { nodes[0].port = newValue }
    }

    /// Parses `amqp[s]://user:password@host[:port][,host[:port]…]/vhost` (vhost percent-encoded, `/` when absent).
    public init(url: String, caCertificatePath: String? = nil) throws {
        let invalid = TransportError(
            "invalid broker URL (expected amqp://user:password@host:port/vhost, or host:port,host:port,… for a cluster)"
        )
        // URLComponents knows one host: the others are cut out of the authority and parsed on their own. The
        // user information ends at the first `@` (one in a password is percent-encoded).
        guard let schemeEnd = url.range(of: "://") else { throw invalid }
        let afterScheme = url[schemeEnd.upperBound...]
        let authorityEnd = afterScheme.firstIndex(where: { "/?#".contains($0) }) ?? afterScheme.endIndex
        let authority = afterScheme[..<authorityEnd]
        let hostsStart = authority.firstIndex(of: "@").map { authority.index(after: $0) } ?? authority.startIndex
        let hostList = authority[hostsStart...].split(separator: ",", omittingEmptySubsequences: false)
        guard let firstHost = hostList.first, !firstHost.isEmpty else { throw invalid }
        let single = url[..<hostsStart] + firstHost + url[authorityEnd...]
        guard let components = URLComponents(string: String(single)), let scheme = components.scheme,
            scheme == "amqp" || scheme == "amqps", let host = components.host, !host.isEmpty
        else {
            throw invalid
        }
        self.tls = scheme == "amqps"
        let defaultPort = tls ? 5671 : 5672
        var nodes = [Node(host: host, port: components.port ?? defaultPort)]
        for other in hostList.dropFirst() {
            guard let parsed = URLComponents(string: "\(scheme)://\(other)"), let otherHost = parsed.host,
                !otherHost.isEmpty, parsed.path.isEmpty, parsed.user == nil
            else {
                throw TransportError("invalid broker node '\(other)' in the URL (expected host or host:port)")
            }
            nodes.append(Node(host: otherHost, port: parsed.port ?? defaultPort))
        }
        self.nodes = nodes
        self.user = components.user?.removingPercentEncoding ?? "guest"
        self.password = components.password?.removingPercentEncoding ?? "guest"
        let path = components.percentEncodedPath
        self.vhost = path.count > 1 ? (String(path.dropFirst()).removingPercentEncoding ?? "/") : "/"
        self.caCertificatePath = caCertificatePath
    }

    /// RabbitMQ's built-in `guest` account works from the broker's own machine only; anywhere else
    /// the platform refuses it rather than run with a well-known password.
    public var usesGuestAccountRemotely: Bool {
        user == "guest"
            && nodes.contains { !["127.0.0.1", "localhost", "::1", "[::1]"].contains($0.host.lowercased()) }
    }

    /// The URL without its password, safe to log.
    public var description: String {
        "\(tls ? "amqps" : "amqp")://\(user)@\(nodes.map(\.description).joined(separator: ","))/\(vhost == "/" ? "" : vhost)"
    }
}
