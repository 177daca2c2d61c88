import ArgumentParser
import Foundation
import ServiceSupport

/// `magistere token`: signs a bearer token with the HS256 secret, for the embedded mode and tests.
///
/// Real deployments trust the ministry's identity provider (public keys or JWKS) and do not use this.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Print a bearer token signed with the HS256 secret (embedded mode and tests).",
        discussion: """
            Roles: \(Role.allCases.map(\.rawValue).joined(separator: ", ")). Managers and designers act in the \
            academy their token names: --academy lyon, or --academy national for the national scope (a token \
            of theirs without an academy is refused by the services). A subscriber's token names the event types \
            it may have replayed: --event tracking.course.completed.v1.
            Example: curl -H "Authorization: Bearer $(magistere token --subject t-0001 --role participant)" …
            """)

    @Option(help: "Pseudonymous id of the caller (the token's subject).") var subject: String
    @Option(name: .customLong("role"), help: "A role; repeat for several.") var roles: [Role] = []
    @Option(
        help: "Academy code as sessions and courses spell it (lyon…), or national; required for managers and designers."
    )
    var academy: String?
    @Option(name: .customLong("district"), help: "A district an inspector inspects (Lyon 3e…); repeat for several.")
    var districts: [String] = []
    @Option(
        name: .customLong("event"),
        help: "An event type a subscriber may have replayed (tracking.course.completed.v1…); repeat for several.")
    var events: [String] = []
    @Option(help: "Lifetime in seconds (default 3600).") var ttl: Int = 3600
    @Option(
        name: .customLong("data-dir"), help: "Data folder of `magistere up` (env MAGISTERE_DATA_DIR; default data).")
    var dataDirectory: String?
    @OptionGroup var auth: AuthOptions

    func validate() throws {
        guard !roles.isEmpty else { throw ValidationError("give at least one --role") }
        if academy == nil, let role = Caller.scopedRoles.intersection(roles).min() {
            throw ValidationError(
                "a \(role.rawValue) acts in an academy: give --academy CODE, or --academy national for the national scope"
            )
        }
        guard (1...(31 * 24 * 3600)).contains(ttl) else { throw ValidationError("--ttl must be 1 s to 31 days") }
    }

    func run() async throws {
        let directory = Settings.dataDirectory.resolve(dataDirectory)
        let configuration = try auth.configuration(embeddedDataDirectory: directory)
        // With only public keys configured there is no secret to sign with: the data folder's, as in `up`.
        let secret = try configuration.hmacSecret ?? AuthOptions.embeddedSecret(dataDirectory: directory)
        do {
            let issuer = try await TokenIssuer(
                secret: secret, issuer: configuration.issuer, audience: configuration.audience)
            print(
                try await issuer.token(
                    subject: subject, roles: roles, academy: academy, districts: districts, events: events,
                    lifetime: TimeInterval(ttl))
            )
        } catch let error as AuthConfigurationError {
            throw ValidationError(error.description)
        }
    }
}

extension Role: ExpressibleByArgument {}
