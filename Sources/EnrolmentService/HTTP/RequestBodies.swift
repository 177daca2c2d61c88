import Contracts
import Foundation
import Hummingbird
import ServiceSupport

/// Request bodies of the enrolment API (sessions are scheduled with a ``SessionPlan``).
enum RequestBodies {
    /// `POST /sessions/{id}/cancel`.
    struct Cancellation: Codable, Sendable {
        var reason: String
    }

    /// `PUT /sessions/{id}/trainers`.
    struct Trainers: Codable, Sendable {
        var trainerIDs: [String]
    }

    /// `PUT /sessions/{id}/tutors`.
    struct Tutors: Codable, Sendable {
        var tutorIDs: [String]
    }

    /// `POST /sessions/{id}/designations`.
    struct Designation: Codable, Sendable {
        var participantID: String
        var acceptanceRequired: Bool?
        var group: String?
    }

    /// `POST /sessions/{id}/applications` and `/enrolments`: a manager may act for a teacher.
    struct Entry: Codable, Sendable {
        var participantID: String?
    }

    /// `POST /enrolments/{id}/approve|refuse|withdraw|accept`.
    struct Decision: Codable, Sendable {
        var reason: String?
    }

    /// Decodes an optional JSON body: nil when the request has none.
    static func optional<T: Decodable>(_ type: T.Type, from request: Request) async throws -> T? {
        let data = try await JSONBody.collect(request)
        guard !data.isEmpty else { return nil }
        try JSONBody.requireJSONContentType(request)
        return try JSONBody.decode(type, from: data)
    }

    /// Checks a free-text reason: 1 to 1000 characters when present.
    static func checkReason(_ reason: String?, required: Bool = false) throws {
        if let reason {
            guard !reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, reason.count <= 1000 else {
                throw Problem.invalid("reason", "1 to 1000 characters")
            }
        } else if required {
            throw Problem.invalid("reason", "required")
        }
    }

    /// Checks a pseudonymous id given in a body.
    static func checkParticipant(_ id: String, field: String = "participantID") throws {
        guard PseudonymousIdentifier.isValid(id) else {
            throw Problem.invalid(
                field, "must be a pseudonymous id (letters, digits, - _ . :), never a name or an e-mail")
        }
    }
}
