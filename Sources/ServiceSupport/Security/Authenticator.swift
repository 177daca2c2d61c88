import Contracts
import Foundation
import JWTKit
import Logging

/// Where token keys come from, and what the tokens must say about who issued them and for whom.
///
/// HS256 with a shared secret suits the embedded mode and tests; real deployments give the identity
/// provider's public keys (RS256/ES256 PEM files) or its JWKS document. Secrets are never logged.
public struct AuthConfiguration: Sendable {
    public var issuer: String
    public var audience: String
    /// HS256 shared secret (at least 32 bytes).
    public var hmacSecret: String?
    /// PEM public keys or certificates, RSA (RS256) or EC P-256 (ES256).
    public var publicKeyPEMs: [String]
    /// A JSON Web Key Set document, as published by the identity provider.
    public var jwks: String?

    public static let defaultIssuer = "magistere"
    public static let defaultAudience = "magistere"
    public static let minimumSecretLength = 32

    public init(
        issuer: String = defaultIssuer, audience: String = defaultAudience, hmacSecret: String? = nil,
        publicKeyPEMs: [String] = [], jwks: String? = nil
    ) {
        self.issuer = issuer
        self.audience = audience
        self.hmacSecret = hmacSecret
        self.publicKeyPEMs = publicKeyPEMs
        self.jwks = jwks
    }

    public var hasKeys: Bool { hmacSecret != nil || !publicKeyPEMs.isEmpty || jwks != nil }

    /// The HS256 key of a shared secret, refused when shorter than ``minimumSecretLength`` bytes.
    static func hmacKey(secret: String) throws -> HMACKey {
        guard secret.utf8.count >= minimumSecretLength else {
            throw AuthConfigurationError("the HS256 secret is too short: at least \(minimumSecretLength) bytes")
        }
        return HMACKey(from: secret)
    }
}

/// A configuration that cannot be used; says which part and why, without its secret.
public struct AuthConfigurationError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Why a token was refused; the text goes into `WWW-Authenticate` and the problem's detail.
public struct AuthenticationFailure: Error, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Verifies bearer tokens: signature, expiry, not-before, issuer, audience, then reads the caller.
public struct Authenticator: Sendable {
    /// The key collection, filled once: keys are parsed (and refused) synchronously at start-up,
    /// then added to jwt-kit's collection, an actor.
    let keys: Task<JWTKeyCollection, Never>
    public let issuer: String
    public let audience: String

    public init(_ configuration: AuthConfiguration) throws {
        guard configuration.hasKeys else {
            throw AuthConfigurationError(
                "no token keys: set MAGISTERE_AUTH_HS256_SECRET(_FILE), MAGISTERE_AUTH_PUBLIC_KEYS or MAGISTERE_AUTH_JWKS_FILE"
            )
        }
        let hmac = try configuration.hmacSecret.map(AuthConfiguration.hmacKey(secret:))
        let publicKeys = try configuration.publicKeyPEMs.enumerated().map { try PublicKey($1, index: $0) }
        var jwks: JWKS?
        if let document = configuration.jwks {
            do {
                jwks = try JSONDecoder().decode(JWKS.self, from: Data(document.utf8))
            } catch {
                throw AuthConfigurationError("the JWKS document cannot be read: \(error)")
            }
        }
        // Every JWK is turned into a key here, or the start fails naming it: a key silently skipped would
        // refuse every token it signs, with nothing in the logs to say why.
        let jwkKeys = try (jwks?.keys ?? []).enumerated().map { try JWKPublicKey($1, index: $0) }
        keys = Task {
            let keys = JWTKeyCollection()
            if let hmac { await keys.add(hmac: hmac, digestAlgorithm: .sha256) }
            for (index, key) in publicKeys.enumerated() {
                let kid = JWKIdentifier(string: "pem-\(index)")
                switch key {
                case .rsa(let key): await keys.add(rsa: key, digestAlgorithm: .sha256, kid: kid)
                case .ecdsa(let key): await keys.add(ecdsa: key, kid: kid)
                }
            }
            for key in jwkKeys {
                switch key.key {
                case .rsa(let rsa): await keys.add(rsa: rsa, digestAlgorithm: .sha256, kid: key.kid)
                case .ecdsa(let ecdsa): await keys.add(ecdsa: ecdsa, kid: key.kid)
                }
            }
            return keys
        }
        issuer = configuration.issuer
        audience = configuration.audience
    }

    /// An RSA (RS256) or EC P-256 (ES256) public key, from a PEM key or certificate.
    enum PublicKey: Sendable {
        case rsa(Insecure.RSA.PublicKey)
        case ecdsa(ES256PublicKey)

        init(_ pem: String, index: Int) throws {
            if let key = try? Insecure.RSA.PublicKey(pem: pem) {
                self = .rsa(key)
            } else if let key = try? Insecure.RSA.PublicKey(certificatePEM: pem) {
                self = .rsa(key)
            } else if let key = try? ES256PublicKey(pem: pem) {
                self = .ecdsa(key)
            } else if let key = try? ES256PublicKey(certificate: pem) {
                self = .ecdsa(key)
            } else {
                throw AuthConfigurationError(
                    "public key #\(index + 1) is neither an RSA nor an EC P-256 PEM public key")
            }
        }
    }

    /// A JWKS entry as a verification key: RS256 (`kty` RSA) or ES256 (`kty` EC, `crv` P-256), with its `kid`.
    struct JWKPublicKey: Sendable {
        var kid: JWKIdentifier
        var key: PublicKey

        init(_ jwk: JWK, index: Int) throws {
            let name = "JWKS key #\(index + 1)\(jwk.keyIdentifier.map { " (kid \($0.string))" } ?? "")"
            guard let kid = jwk.keyIdentifier else { throw AuthConfigurationError("\(name) has no kid") }
            self.kid = kid
            switch jwk.keyType {
            case .rsa:
                guard jwk.algorithm == nil || jwk.algorithm == .rs256 else {
                    throw AuthConfigurationError("\(name): only RS256 is accepted for RSA keys")
                }
                guard let modulus = jwk.modulus, let exponent = jwk.exponent,
                    let rsa = try? Insecure.RSA.PublicKey(modulus: modulus, exponent: exponent)
                else { throw AuthConfigurationError("\(name) is not a usable RSA public key (n, e)") }
                key = .rsa(rsa)
            case .ecdsa:
                guard jwk.algorithm == nil || jwk.algorithm == .es256 else {
                    throw AuthConfigurationError("\(name): only ES256 is accepted for EC keys")
                }
                guard let x = jwk.x, let y = jwk.y, let ecdsa = try? ES256PublicKey(parameters: (x: x, y: y)) else {
                    throw AuthConfigurationError("\(name) is not a usable EC P-256 public key (x, y)")
                }
                key = .ecdsa(ecdsa)
            default:
                throw AuthConfigurationError("\(name): key type \(jwk.keyType) is not accepted (RSA or EC P-256 only)")
            }
        }
    }

    /// The caller of a verified token, or why the token is refused.
    public func caller(fromToken token: String) async throws(AuthenticationFailure) -> Caller {
        let claims: TokenClaims
        do {
            claims = try await keys.value.verify(token, as: TokenClaims.self, iteratingKeys: true)
        } catch let error as JWTError {
            throw AuthenticationFailure(Self.reason(error))
        } catch {
            throw AuthenticationFailure("the token cannot be verified")
        }
        guard claims.iss.value == issuer else {
            throw AuthenticationFailure("the token was issued by '\(claims.iss.value)', not '\(issuer)'")
        }
        guard claims.aud.value.contains(audience) else {
            throw AuthenticationFailure("the token is not meant for '\(audience)'")
        }
        let subject = claims.sub.value
        guard PseudonymousIdentifier.isValid(subject) else {
            throw AuthenticationFailure("the token's subject is not a pseudonymous id")
        }
        var roles = Set<Role>()
        for name in claims.roles {
            // A role this version does not know grants nothing; it does not invalidate the token.
            if let role = Role(rawValue: name) { roles.insert(role) }
        }
        let districts = claims.districts ?? []
        guard districts.count <= 100, districts.allSatisfy({ (1...100).contains($0.count) }) else {
            throw AuthenticationFailure(
                "the token's districts are not district names (at most 100, of 1 to 100 characters)")
        }
        let events = claims.events ?? []
        guard events.count <= 50, events.allSatisfy({ (1...100).contains($0.count) }) else {
            throw AuthenticationFailure("the token's events are not event types (at most 50, of 1 to 100 characters)")
        }
        if claims.academy == Caller.nationalClaim {
            return Caller(
                subject: subject, roles: roles, academy: nil, isNational: true, districts: Set(districts),
                events: Set(events))
        }
        if let academy = claims.academy, !PseudonymousIdentifier.isValid(academy) {
            throw AuthenticationFailure("the token's academy is not an academy code")
        }
        return Caller(
            subject: subject, roles: roles, academy: claims.academy, districts: Set(districts), events: Set(events))
    }

    static func reason(_ error: JWTError) -> String {
        switch error.errorType {
        case .claimVerificationFailure:
            if error.failedClaim is ExpirationClaim { return "the token has expired" }
            if error.failedClaim is NotBeforeClaim { return "the token is not valid yet" }
            return "a claim of the token is not valid"
        case .signatureVerificationFailed: return "the token's signature is not valid"
        case .malformedToken: return "the token is malformed"
        case .missingKIDHeader, .unknownKID, .noKeyProvided: return "the token was signed with an unknown key"
        default: return "the token cannot be verified"
        }
    }
}
