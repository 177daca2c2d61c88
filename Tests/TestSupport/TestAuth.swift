import Foundation
import HTTPTypes
import ServiceSupport

/// Tokens for tests: one HS256 secret that every test service verifies and every test caller signs with.
public enum TestAuth {
    public static let secret = "magistere-tests-only-secret-do-not-deploy-0123456789"

    /// The authenticator test services use.
    public static func authenticator() throws -> Authenticator {
        try Authenticator(AuthConfiguration(hmacSecret: secret))
    }

    /// A signed token for `subject` with these roles, valid for an hour.
    public static func token(
        _ subject: String, _ roles: Role..., academy: String? = nil, lifetime: TimeInterval = 3600, now: Date = Date()
    ) async throws -> String {
        try await TokenIssuer(secret: secret).token(
            subject: subject, roles: roles, academy: academy, lifetime: lifetime, now: now)
    }

    /// `Authorization: Bearer …` for `subject` with a list of roles.
    public static func headers(_ subject: String, roles: [Role], academy: String? = nil) async throws -> HTTPFields {
        let token = try await TokenIssuer(secret: secret).token(subject: subject, roles: roles, academy: academy)
        return [.authorization: "Bearer \(token)"]
    }

    /// `Authorization: Bearer …` for a subscriber that may have `events` replayed, for `academy` (or `national`).
    public static func subscriber(_ subject: String, academy: String, events: [String]) async throws -> HTTPFields {
        let token = try await TokenIssuer(secret: secret).token(
            subject: subject, roles: [.subscriber], academy: academy, events: events)
        return [.authorization: "Bearer \(token)"]
    }

    /// `Authorization: Bearer …` for `subject` with these roles.
    public static func headers(_ subject: String, _ roles: Role..., academy: String? = nil) async throws -> HTTPFields {
        try await headers(subject, roles: roles, academy: academy)
    }
}
