import Contracts
import Crypto
import Foundation

/// The broker accounts of a deployment as RabbitMQ definitions: one user per service, with permissions on
/// its own exchange and queues only, and an administrator for `magistere broker setup`.
///
/// Each service publishes under its own user, so that the AMQP `user_id` of a message — which RabbitMQ
/// checks against the connection — says which service really published it (see docs/security.md).
struct BrokerUsers {
    /// A service's account: its user and what it consumes (nothing for the catalogue).
    struct Account {
        var service: ServiceName
        var user: String
        var password: String
        var queue: String?
    }

    var vhost: String
    var exchange: String
    var accounts: [Account]
    var administrator: (user: String, password: String)

    /// RabbitMQ's definitions document (`rabbitmqctl import_definitions`, or `load_definitions` at boot).
    func definitions(salt: () -> [UInt8] = { (0..<4).map { _ in UInt8.random(in: 0...255) } }) -> [String: Any] {
        var users: [[String: Any]] = [
            Self.user(administrator.user, administrator.password, tags: "administrator", salt: salt())
        ]
        var permissions: [[String: Any]] = [
            ["user": administrator.user, "vhost": vhost, "configure": ".*", "write": ".*", "read": ".*"]
        ]
        for account in accounts {
            users.append(Self.user(account.user, account.password, tags: "", salt: salt()))
            permissions.append(permission(for: account))
        }
        return ["users": users, "vhosts": [["name": vhost]], "permissions": permissions]
    }

    /// Publishing needs configure (the exchange is declared on connect) and write on the exchange; a consumer
    /// also owns its queue, its retry and dead-letter queues (configure, write, read), binds them (read on
    /// the exchange) and republishes retries and parks through the default exchange (write on `amq.default`).
    func permission(for account: Account) -> [String: Any] {
        let exchange = NSRegularExpression.escapedPattern(for: self.exchange)
        guard let queue = account.queue.map(NSRegularExpression.escapedPattern(for:)) else {
            return [
                "user": account.user, "vhost": vhost, "configure": "^\(exchange)$", "write": "^\(exchange)$",
                "read": "^$",
            ]
        }
        let owned = "\(queue)(\\..+)?"
        return [
            "user": account.user, "vhost": vhost, "configure": "^(\(exchange)|\(owned))$",
            "write": "^(\(exchange)|amq\\.default|\(owned))$", "read": "^(\(exchange)|\(owned))$",
        ]
    }

    /// RabbitMQ's `rabbit_password_hashing_sha256`: base64(salt ‖ SHA-256(salt ‖ password)), 4-byte salt.
    static func passwordHash(_ password: String, salt: [UInt8]) -> String {
        let digest = SHA256.hash(data: salt + Array(password.utf8))
        return Data(salt + Array(digest)).base64EncodedString()
    }

    private static func user(_ name: String, _ password: String, tags: String, salt: [UInt8]) -> [String: Any] {
        [
            "name": name, "password_hash": passwordHash(password, salt: salt),
            "hashing_algorithm": "rabbit_password_hashing_sha256", "tags": tags,
        ]
    }
}
