import Contracts
import Foundation
import JWTKit

/// Signs platform tokens with the HS256 shared secret: for the embedded mode (`magistere token`) and
/// tests. Real deployments get their tokens from the ministry's identity provider instead.
public struct TokenIssuer: Sendable {
    let keys: JWTKeyCollection
    public let issuer: String
    public let audience: String

    public init(
        secret: String, issuer: String = AuthConfiguration.defaultIssuer,
        audience: String = AuthConfiguration.defaultAudience
    ) async throws {
        let key = try AuthConfiguration.hmacKey(secret: secret)
        keys = JWTKeyCollection()
        await keys.add(hmac: key, digestAlgorithm: .sha256)
        self.issuer = issuer
        self.audience = audience
    }

    /// A signed token for `subject`, valid from now for `lifetime` seconds.
    public func token(
        subject: String, roles: [Role], academy: String? = nil, districts: [String] = [], events: [String] = [],
        lifetime: TimeInterval = 3600, now: Date = Date()
    ) async throws -> String {
        guard PseudonymousIdentifier.isValid(subject) else {
            throw AuthConfigurationError(
                "the subject must be a pseudonymous id (letters, digits, - _ . :), not '\(subject)'")
        }
        if let academy, !PseudonymousIdentifier.isValid(academy) {
            throw AuthConfigurationError("the academy must be a code like lyon, not '\(academy)'")
        }
        if let bad = districts.first(where: { !(1...100).contains($0.count) }) {
            throw AuthConfigurationError("a district is named by 1 to 100 characters, not '\(bad)'")
        }
        if let bad = events.first(where: { !(1...100).contains($0.count) }) {
            throw AuthConfigurationError("an event type is 1 to 100 characters, not '\(bad)'")
        }
        let claims = TokenClaims(
            subject: subject, issuer: issuer, audience: audience, roles: roles, academy: academy, issuedAt: now,
            lifetime: lifetime, districts: districts.isEmpty ? nil : districts, events: events.isEmpty ? nil : events)
        return try await keys.sign(claims)
    }

    /// A fresh random secret for the embedded mode: 48 random bytes, base64url.
    public static func randomSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<48).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
