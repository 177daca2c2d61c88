import ArgumentParser
import Foundation
import ServiceSupport

/// How an operator command calls the services: with the bearer token given, or one it signs with the deployment's
/// HS256 secret (as `magistere token`; `magistere up`'s own secret from its data folder by default).
struct SignedTokens: ParsableArguments {
    @Option(help: "A bearer token (default: one signed with the HS256 secret, as `magistere token`).")
    var token: String?
    @Option(
        name: .customLong("data-dir"),
        help: "Data folder of `magistere up`, whose secret signs the token (env MAGISTERE_DATA_DIR; default data).")
    var dataDirectory: String?
    @OptionGroup var auth: AuthOptions

    func client(
        subject: String, roles: [Role], academy: String? = nil, events: [String] = []
    ) async throws -> OperatorClient {
        if let token { return OperatorClient(token: token) }
        let directory = Settings.dataDirectory.resolve(dataDirectory)
        let configuration = try auth.configuration(embeddedDataDirectory: directory)
        let secret = try configuration.hmacSecret ?? AuthOptions.embeddedSecret(dataDirectory: directory)
        let issuer = try await TokenIssuer(
            secret: secret, issuer: configuration.issuer, audience: configuration.audience)
        return OperatorClient(
            token: try await issuer.token(
                subject: subject, roles: roles, academy: academy, events: events, lifetime: 600))
    }
}
