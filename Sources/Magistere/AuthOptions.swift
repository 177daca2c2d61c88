import ArgumentParser
import Foundation
import Messaging
import ServiceSupport

/// Where the token keys come from: flags for people, `MAGISTERE_AUTH_…` variables for operators.
struct AuthOptions: ParsableArguments {
    @Option(
        name: .customLong("auth-issuer"), help: "Required token issuer (env MAGISTERE_AUTH_ISSUER; default magistere).")
    var issuer: String?

    @Option(
        name: .customLong("auth-audience"),
        help: "Required token audience (env MAGISTERE_AUTH_AUDIENCE; default magistere).")
    var audience: String?

    @Option(
        name: .customLong("auth-hs256-secret"),
        help:
            "HS256 secret (env MAGISTERE_AUTH_HS256_SECRET). Visible to every user in `ps`: prefer --auth-hs256-secret-file or the variable."
    )
    var secret: String?

    @Option(
        name: .customLong("auth-hs256-secret-file"),
        help: "File of the HS256 secret (env MAGISTERE_AUTH_HS256_SECRET_FILE).")
    var secretFile: String?

    @Option(
        name: .customLong("auth-public-keys"),
        help: "Comma-separated PEM public key files (env MAGISTERE_AUTH_PUBLIC_KEYS).")
    var publicKeys: String?

    @Option(
        name: .customLong("auth-jwks-file"), help: "JWKS file of the identity provider (env MAGISTERE_AUTH_JWKS_FILE).")
    var jwksFile: String?

    /// The file `up` and `token` share when no key is configured: the embedded mode's own secret.
    static func embeddedSecretPath(dataDirectory: String) -> String {
        URL(fileURLWithPath: dataDirectory).appendingPathComponent("auth-hs256.secret").path
    }

    /// The HS256 secret, if one is configured (directly, or in a file).
    private func configuredSecret() throws -> String? {
        let direct = Settings.authSecret.resolve(secret)
        if !direct.isEmpty { return direct }
        let file = Settings.authSecretFile.resolve(secretFile)
        if !file.isEmpty { return try Self.read(file, what: "HS256 secret file") }
        return nil
    }

    /// The token configuration. With `embeddedDataDirectory`, a configuration without any key falls
    /// back to the data folder's secret file, created on first use (the embedded mode for newcomers);
    /// without it, no key is an error (a deployed service must be told whom to trust).
    func configuration(embeddedDataDirectory: String? = nil) throws -> AuthConfiguration {
        var configuration = AuthConfiguration(
            issuer: Settings.authIssuer.resolve(issuer), audience: Settings.authAudience.resolve(audience))
        configuration.hmacSecret = try configuredSecret()
        let pems = Settings.authPublicKeys.resolve(publicKeys).split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        configuration.publicKeyPEMs = try pems.map { try Self.read($0, what: "public key file") }
        let jwks = Settings.authJWKSFile.resolve(jwksFile)
        if !jwks.isEmpty { configuration.jwks = try Self.read(jwks, what: "JWKS file") }
        if !configuration.hasKeys, let directory = embeddedDataDirectory {
            configuration.hmacSecret = try Self.embeddedSecret(dataDirectory: directory)
        }
        return configuration
    }

    func authenticator(embeddedDataDirectory: String? = nil) throws -> Authenticator {
        do {
            return try Authenticator(try configuration(embeddedDataDirectory: embeddedDataDirectory))
        } catch let error as AuthConfigurationError {
            throw ValidationError("authentication: \(error.description)")
        }
    }

    /// The embedded mode's secret: read from the data folder, or made and saved there (mode 0600).
    static func embeddedSecret(dataDirectory: String) throws -> String {
        let path = embeddedSecretPath(dataDirectory: dataDirectory)
        if FileManager.default.fileExists(atPath: path) { return try read(path, what: "embedded secret file") }
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        let secret = TokenIssuer.randomSecret()
        do { try PrivateFile.create(path, contents: Data((secret + "\n").utf8)) } catch {
            throw ValidationError("cannot write the embedded secret file: \(error)")
        }
        return secret
    }

    static func read(_ path: String, what: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
        else {
            throw ValidationError("cannot read the \(what) \(path)")
        }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
