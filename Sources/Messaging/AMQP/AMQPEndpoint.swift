import Foundation

/// Where and how to reach the broker, parsed from an `amqp://` or `amqps://` URL.
public struct AMQPEndpoint: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var vhost: String
    public var user: String
    public var password: String
    public var tls: Bool
    /// PEM file of the CA that signed the broker's certificate (TLS only).
    public var caCertificatePath: String?

    /// Parses `amqp[s]://user:password@host:port/vhost` (vhost percent-encoded, `/` when absent).
    public init(url: String, caCertificatePath: String? = nil) throws {
        guard let components = URLComponents(string: url), let scheme = components.scheme,
            scheme == "amqp" || scheme == "amqps", let host = components.host, !host.isEmpty
        else {
            throw TransportError("invalid broker URL (expected amqp://user:password@host:port/vhost)")
        }
        self.tls = scheme == "amqps"
        self.host = host
        self.port = components.port ?? (tls ? 5671 : 5672)
        self.user = components.user?.removingPercentEncoding ?? "guest"
        self.password = components.password?.removingPercentEncoding ?? "guest"
        let path = components.percentEncodedPath
        self.vhost = path.count > 1 ? (String(path.dropFirst()).removingPercentEncoding ?? "/") : "/"
        self.caCertificatePath = caCertificatePath
    }

    /// RabbitMQ's built-in `guest` account works from the broker's own machine only; anywhere else
    /// the platform refuses it rather than run with a well-known password.
    public var usesGuestAccountRemotely: Bool {
        user == "guest" && !["127.0.0.1", "localhost", "::1", "[::1]"].contains(host.lowercased())
    }

    /// The URL without its password, safe to log.
    public var description: String {
        "\(tls ? "amqps" : "amqp")://\(user)@\(host):\(port)/\(vhost == "/" ? "" : vhost)"
    }
}
