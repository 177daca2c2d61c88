import Foundation
import ServiceSupport

/// One configuration key: a flag for people, an environment variable for operators, a default.
///
/// Every key the binary understands is listed in ``Settings/all``; `magistere config` prints them,
/// the README's configuration reference is checked against it, and so is docker-compose.yml.
struct Setting: Sendable {
    var environment: String
    var flag: String
    var defaultValue: String
    var help: String

    /// The value: the flag if given, else the environment variable, else the default.
    func resolve(
        _ flagValue: String?, environment variables: [String: String] = ProcessInfo.processInfo.environment
    )
        -> String
    {
        if let flagValue, !flagValue.isEmpty { return flagValue }
        if let value = variables[environment], !value.isEmpty { return value }
        return defaultValue
    }
}

enum Settings {
    static let dataDirectory = Setting(
        environment: "MAGISTERE_DATA_DIR", flag: "--data-dir", defaultValue: "data",
        help: "Folder of the SQLite stores (<service>.sqlite) and of the embedded bus (bus.sqlite).")
    static let transport = Setting(
        environment: "MAGISTERE_TRANSPORT", flag: "--transport", defaultValue: "amqp",
        help:
            "amqp (RabbitMQ) or embedded (SQLite bus in the data folder; one process only). `up` defaults to embedded.")
    static let amqpURL = Setting(
        environment: "MAGISTERE_AMQP_URL", flag: "--amqp-url", defaultValue: "amqp://guest:guest@127.0.0.1:5672/",
        help: "Broker URL; amqps:// for TLS. The password is never logged.")
    static let amqpExchange = Setting(
        environment: "MAGISTERE_AMQP_EXCHANGE", flag: "--exchange", defaultValue: "magistere.events",
        help: "Durable topic exchange of the domain events.")
    static let amqpCACertificate = Setting(
        environment: "MAGISTERE_AMQP_CA_CERT", flag: "--amqp-ca-cert", defaultValue: "",
        help: "PEM file of the CA of the broker's TLS certificate (amqps:// only).")
    static let queueType = Setting(
        environment: "MAGISTERE_AMQP_QUEUE_TYPE", flag: "--queue-type", defaultValue: "quorum",
        help: "quorum (default) or classic, for brokers without quorum queues.")
    static let host = Setting(
        environment: "MAGISTERE_HTTP_HOST", flag: "--host", defaultValue: "127.0.0.1",
        help: "Address the HTTP servers listen on (0.0.0.0 in containers).")
    static let catalogPort = Setting(
        environment: "MAGISTERE_CATALOG_PORT", flag: "--catalog-port", defaultValue: "8081",
        help: "HTTP port of the catalog service.")
    static let enrolmentPort = Setting(
        environment: "MAGISTERE_ENROLMENT_PORT", flag: "--enrolment-port", defaultValue: "8082",
        help: "HTTP port of the enrolment service.")
    static let trackingPort = Setting(
        environment: "MAGISTERE_TRACKING_PORT", flag: "--tracking-port", defaultValue: "8083",
        help: "HTTP port of the tracking service.")
    static let webPort = Setting(
        environment: "MAGISTERE_WEB_PORT", flag: "--web-port", defaultValue: "8080",
        help: "HTTP port of the web front (the pages).")
    static let catalogURL = Setting(
        environment: "MAGISTERE_CATALOG_URL", flag: "--catalog-url", defaultValue: "http://127.0.0.1:8081",
        help: "Where the web front reaches the catalog service's HTTP API.")
    static let enrolmentURL = Setting(
        environment: "MAGISTERE_ENROLMENT_URL", flag: "--enrolment-url", defaultValue: "http://127.0.0.1:8082",
        help: "Where the web front reaches the enrolment service's HTTP API.")
    static let trackingURL = Setting(
        environment: "MAGISTERE_TRACKING_URL", flag: "--tracking-url", defaultValue: "http://127.0.0.1:8083",
        help: "Where the web front reaches the tracking service's HTTP API (any instance: it redirects).")
    static let webSecureCookies = Setting(
        environment: "MAGISTERE_WEB_SECURE_COOKIES", flag: "--secure-cookies", defaultValue: "false",
        help: "true when the web front is reached over HTTPS: its cookies are then marked Secure.")
    static let webDemoAccounts = Setting(
        environment: "MAGISTERE_WEB_DEMO_ACCOUNTS", flag: "--demo-accounts", defaultValue: "false",
        help: "true: the sign-in page offers demo people, signed with the HS256 secret (refused with public keys).")
    static let trackingPartitions = Setting(
        environment: "MAGISTERE_TRACKING_PARTITIONS", flag: "--partitions", defaultValue: "all",
        help:
            "The tracking partitions this instance owns (0-31): all, ranges such as 0-15 or 0-7,16-23, or none (a spare)."
    )
    static let trackingPartitionMap = Setting(
        environment: "MAGISTERE_TRACKING_PARTITION_MAP", flag: "--partition-map", defaultValue: "",
        help: "The partition map every tracking instance shares (JSON: version, instances with url and partitions).")
    static let trackingInstance = Setting(
        environment: "MAGISTERE_TRACKING_INSTANCE", flag: "--instance", defaultValue: "",
        help: "This tracking instance's name in the partition map.")
    static let logFormat = Setting(
        environment: "MAGISTERE_LOG_FORMAT", flag: "--log-format", defaultValue: "logfmt",
        help: "logfmt or json, on standard error.")
    static let logLevel = Setting(
        environment: "MAGISTERE_LOG_LEVEL", flag: "--log-level", defaultValue: "info",
        help: "trace, debug, info, notice, warning, error or critical.")

    static let amqpProducerUsers = Setting(
        environment: "MAGISTERE_AMQP_PRODUCER_USERS", flag: "--amqp-producer-users", defaultValue: "",
        help: "Broker user of each producing service, as catalog=USER,enrolment=USER,tracking=USER: consumers "
            + "accept an event type only from its producer's user. Empty: derived from this service's own user "
            + "(magistere-tracking → magistere-catalog, magistere-enrolment…), or one shared account.")
    static let amqpPasswordFile = Setting(
        environment: "MAGISTERE_AMQP_PASSWORD_FILE", flag: "--amqp-password-file", defaultValue: "",
        help: "File holding the broker password (a Docker/Kubernetes secret); replaces the URL's password.")
    static let authIssuer = Setting(
        environment: "MAGISTERE_AUTH_ISSUER", flag: "--auth-issuer", defaultValue: AuthConfiguration.defaultIssuer,
        help: "The `iss` every bearer token must carry (the identity provider's issuer).")
    static let authAudience = Setting(
        environment: "MAGISTERE_AUTH_AUDIENCE", flag: "--auth-audience",
        defaultValue: AuthConfiguration.defaultAudience,
        help: "The `aud` every bearer token must include.")
    static let authSecret = Setting(
        environment: "MAGISTERE_AUTH_HS256_SECRET", flag: "--auth-hs256-secret", defaultValue: "",
        help: "HS256 shared secret (32 bytes or more) for tokens signed by `magistere token`; prefer the _FILE form.")
    static let authSecretFile = Setting(
        environment: "MAGISTERE_AUTH_HS256_SECRET_FILE", flag: "--auth-hs256-secret-file", defaultValue: "",
        help: "File holding the HS256 secret. `up` and `token` create <data-dir>/auth-hs256.secret when no key is set.")
    static let authPublicKeys = Setting(
        environment: "MAGISTERE_AUTH_PUBLIC_KEYS", flag: "--auth-public-keys", defaultValue: "",
        help: "Comma-separated PEM files of the identity provider's RS256/ES256 public keys or certificates.")
    static let authJWKSFile = Setting(
        environment: "MAGISTERE_AUTH_JWKS_FILE", flag: "--auth-jwks-file", defaultValue: "",
        help: "The identity provider's JSON Web Key Set, saved as a file.")

    static let all: [Setting] = [
        dataDirectory, transport, amqpURL, amqpPasswordFile, amqpProducerUsers, amqpExchange, amqpCACertificate,
        queueType, host,
        catalogPort, enrolmentPort, trackingPort, webPort, catalogURL, enrolmentURL, trackingURL, webSecureCookies,
        webDemoAccounts, trackingPartitions, trackingPartitionMap,
        trackingInstance, logFormat, logLevel, authIssuer, authAudience,
        authSecret,
        authSecretFile, authPublicKeys, authJWKSFile,
    ]
}
