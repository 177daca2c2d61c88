import Foundation
import JWTKit

/// The claims of a platform token: standard registered claims plus `roles` and `academy`.
public struct TokenClaims: JWTPayload, Equatable {
    public var sub: SubjectClaim
    public var iss: IssuerClaim
    public var aud: AudienceClaim
    public var exp: ExpirationClaim
    public var nbf: NotBeforeClaim?
    public var iat: IssuedAtClaim?
    public var roles: [String]
    public var academy: String?
    /// An inspector's districts (names as sessions spell them), in their academy.
    public var districts: [String]?
    /// A subscriber's event types (e.g. `tracking.course.completed.v1`), the ones it may have replayed.
    public var events: [String]?

    public init(
        subject: String, issuer: String, audience: String, roles: [Role], academy: String?, issuedAt: Date,
        lifetime: TimeInterval, districts: [String]? = nil, events: [String]? = nil
    ) {
        sub = .init(value: subject)
        iss = .init(value: issuer)
        aud = .init(value: [audience])
        exp = .init(value: issuedAt.addingTimeInterval(lifetime))
        nbf = .init(value: issuedAt.addingTimeInterval(-1))
        iat = .init(value: issuedAt)
        self.roles = roles.map(\.rawValue)
        self.academy = academy
        self.districts = districts
        self.events = events
    }

    /// Signature checks are done by the key collection; these are the time claims. Issuer and
    /// audience are checked by ``Authenticator`` against its configuration.
    public static let clockSkew: TimeInterval = 30

    public func verify(using algorithm: some JWTAlgorithm) async throws {
        // Thirty seconds of tolerance for clocks that differ between the identity provider and us.
        try exp.verifyNotExpired(currentDate: Date().addingTimeInterval(-Self.clockSkew))
        try nbf?.verifyNotBefore(currentDate: Date().addingTimeInterval(Self.clockSkew))
    }
}
