import CryptoExtras
import Foundation
import JWTKit
import ServiceSupport
import Testing

@Suite("Bearer tokens: signature, expiry, not-before, issuer, audience, then the caller")
struct AuthenticatorTests {
    static let secret = "an-hs256-secret-for-these-tests-only-0123456789"

    static func authenticator(
        _ configuration: AuthConfiguration = AuthConfiguration(hmacSecret: secret)
    ) throws -> Authenticator {
        try Authenticator(configuration)
    }

    static func refusal(_ token: String, by authenticator: Authenticator) async -> String? {
        do {
            _ = try await authenticator.caller(fromToken: token)
            return nil
        } catch {
            return error.description
        }
    }

    static func claims(
        subject: String = "ens-0001", issuer: String = AuthConfiguration.defaultIssuer,
        audience: String = AuthConfiguration.defaultAudience, issuedAt: Date = Date(), lifetime: TimeInterval = 600
    ) -> TokenClaims {
        TokenClaims(
            subject: subject, issuer: issuer, audience: audience, roles: [.participant], academy: "ac-lyon",
            issuedAt: issuedAt, lifetime: lifetime)
    }

    @Test("a token from `magistere token`'s issuer gives the caller's subject, roles and academy")
    func hs256() async throws {
        let token = try await TokenIssuer(secret: Self.secret).token(
            subject: "manager-lyon-01", roles: [.manager, .trainer], academy: "ac-lyon")
        let caller = try await Self.authenticator().caller(fromToken: token)
        #expect(caller == Caller(subject: "manager-lyon-01", roles: [.manager, .trainer], academy: "ac-lyon"))
        #expect(caller.has(.manager, inAcademy: "ac-lyon"))
        #expect(!caller.has(.manager, inAcademy: "ac-creteil"))
        #expect(!caller.has(.designer, inAcademy: "ac-lyon"))
    }

    @Test("an expired token, one not valid yet, another issuer or audience, another key: each refused, saying why")
    func refusals() async throws {
        let authenticator = try Self.authenticator()
        let issuer = try await TokenIssuer(secret: Self.secret)
        let expired = try await issuer.token(
            subject: "ens-0001", roles: [.participant], lifetime: 60, now: Date().addingTimeInterval(-3600))
        #expect(await Self.refusal(expired, by: authenticator) == "the token has expired")
        let early = try await issuer.token(
            subject: "ens-0001", roles: [.participant], now: Date().addingTimeInterval(3600))
        #expect(await Self.refusal(early, by: authenticator) == "the token is not valid yet")
        let elsewhere = try await TokenIssuer(secret: Self.secret, issuer: "https://idp.example").token(
            subject: "ens-0001", roles: [.participant])
        #expect(await Self.refusal(elsewhere, by: authenticator)?.contains("issued by 'https://idp.example'") == true)
        let otherAudience = try await TokenIssuer(secret: Self.secret, audience: "another-app").token(
            subject: "ens-0001", roles: [.participant])
        #expect(await Self.refusal(otherAudience, by: authenticator) == "the token is not meant for 'magistere'")
        let forged = try await TokenIssuer(secret: String(Self.secret.reversed())).token(
            subject: "ens-0001", roles: [.participant])
        #expect(await Self.refusal(forged, by: authenticator) == "the token's signature is not valid")
        #expect(await Self.refusal("not-a-token", by: authenticator) != nil)
        // Thirty seconds of clock skew are tolerated, no more.
        let justExpired = try await issuer.token(
            subject: "ens-0001", roles: [.participant], lifetime: 60, now: Date().addingTimeInterval(-70))
        #expect(await Self.refusal(justExpired, by: authenticator) == nil)
    }

    @Test("an unsigned token (alg none) is refused, even with valid claims")
    func unsigned() async throws {
        func base64URL(_ data: Data) -> String {
            data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
        }
        let header = base64URL(Data(#"{"alg":"none","typ":"JWT"}"#.utf8))
        let payload = base64URL(try JSONEncoder().encode(Self.claims()))
        #expect(await Self.refusal("\(header).\(payload).", by: try Self.authenticator()) != nil)
    }

    @Test("a subject that is not a pseudonymous id, or a bad academy code, is refused; unknown roles grant nothing")
    func claimsShape() async throws {
        let authenticator = try Self.authenticator()
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: Self.secret), digestAlgorithm: .sha256)
        let email = try await keys.sign(Self.claims(subject: "jeanne.martin@ac-lyon.fr"))
        #expect(await Self.refusal(email, by: authenticator) == "the token's subject is not a pseudonymous id")
        var claims = Self.claims()
        claims.roles = ["participant", "superuser"]
        let caller = try await authenticator.caller(fromToken: try await keys.sign(claims))
        #expect(caller.roles == [.participant])
        claims.academy = "ac lyon; drop"
        #expect(
            await Self.refusal(try await keys.sign(claims), by: authenticator)
                == "the token's academy is not an academy code")
    }

    @Test(
        "an inspector's districts come from the `districts` claim; a token without it names none; absurd ones are refused"
    )
    func districts() async throws {
        let authenticator = try Self.authenticator()
        let issuer = try await TokenIssuer(secret: Self.secret)
        let inspector = try await authenticator.caller(
            fromToken: try await issuer.token(
                subject: "ien-1", roles: [.inspector], academy: "lyon", districts: ["Lyon 3e", "Villeurbanne"]))
        #expect(inspector.districts == ["Lyon 3e", "Villeurbanne"])
        #expect(inspector.inspects("Lyon 3e", inAcademy: "lyon"))
        #expect(!inspector.inspects("Lyon 3e", inAcademy: "grenoble"))
        #expect(!inspector.inspects("Lyon 4e", inAcademy: "lyon"))
        let manager = try await authenticator.caller(
            fromToken: try await issuer.token(subject: "mgr-1", roles: [.manager], academy: "lyon"))
        #expect(manager.districts.isEmpty)
        #expect(!manager.inspects("Lyon 3e", inAcademy: "lyon"), "a manager's reach is the academy's, not a district's")
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: Self.secret), digestAlgorithm: .sha256)
        var claims = Self.claims()
        claims.districts = [String(repeating: "x", count: 101)]
        #expect(await Self.refusal(try await keys.sign(claims), by: authenticator)?.contains("districts") == true)
    }

    @Test("RS256 with the identity provider's PEM public key; an HS256 token keyed with that public key is refused")
    func rs256() async throws {
        let privateKey = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let publicPEM = privateKey.publicKey.pemRepresentation
        let authenticator = try Self.authenticator(AuthConfiguration(publicKeyPEMs: [publicPEM]))
        let signer = JWTKeyCollection()
        await signer.add(rsa: try Insecure.RSA.PrivateKey(backing: privateKey), digestAlgorithm: .sha256)
        let caller = try await authenticator.caller(fromToken: try await signer.sign(Self.claims()))
        #expect(caller.subject == "ens-0001")
        // Algorithm confusion: the public key (which anyone has) used as an HMAC secret.
        let confused = JWTKeyCollection()
        await confused.add(hmac: HMACKey(from: publicPEM), digestAlgorithm: .sha256)
        #expect(await Self.refusal(try await confused.sign(Self.claims()), by: authenticator) != nil)
        // Another RSA key.
        let stranger = JWTKeyCollection()
        await stranger.add(
            rsa: try Insecure.RSA.PrivateKey(backing: try _RSA.Signing.PrivateKey(keySize: .bits2048)),
            digestAlgorithm: .sha256)
        #expect(await Self.refusal(try await stranger.sign(Self.claims()), by: authenticator) != nil)
    }

    @Test("ES256 from a JWKS document, chosen by the token's kid; a PEM EC key works too")
    func es256() async throws {
        let key = ES256PrivateKey()
        let parameters = try #require(key.publicKey.parameters)
        let jwks =
            #"{"keys":[{"kty":"EC","crv":"P-256","alg":"ES256","use":"sig","kid":"idp-2026","x":"\#(parameters.x)","y":"\#(parameters.y)"}]}"#
        let fromJWKS = try Self.authenticator(AuthConfiguration(jwks: jwks))
        let signer = JWTKeyCollection()
        await signer.add(ecdsa: key, kid: "idp-2026")
        let token = try await signer.sign(Self.claims(), kid: "idp-2026")
        #expect(try await fromJWKS.caller(fromToken: token).subject == "ens-0001")
        let fromPEM = try Self.authenticator(AuthConfiguration(publicKeyPEMs: [key.publicKey.pemRepresentation]))
        let plain = JWTKeyCollection()
        await plain.add(ecdsa: key)
        #expect(try await fromPEM.caller(fromToken: try await plain.sign(Self.claims())).subject == "ens-0001")
        #expect(
            await Self.refusal(
                try await TokenIssuer(secret: Self.secret).token(subject: "ens-0001", roles: [.participant]),
                by: fromJWKS) != nil)
    }

    @Test("a configuration without keys, with a short secret, or with a PEM that is no key does not start")
    func configuration() throws {
        #expect(throws: AuthConfigurationError.self) { try Authenticator(AuthConfiguration()) }
        #expect(throws: AuthConfigurationError.self) { try Authenticator(AuthConfiguration(hmacSecret: "short")) }
        #expect(throws: AuthConfigurationError.self) {
            try Authenticator(
                AuthConfiguration(publicKeyPEMs: ["-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"]))
        }
        #expect(throws: AuthConfigurationError.self) { try Authenticator(AuthConfiguration(jwks: "{\"keys\": 3}")) }
    }
}
