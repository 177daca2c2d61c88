import Contracts
import Foundation
import GRDB

/// The xAPI 1.0.3 document resources (issue 18): the State resource (what a piece of learning content keeps for an
/// agent, per activity and registration), the Activity Profile and the Agent Profile resources. A document is opaque
/// bytes with its content type; JSON object documents can be merged (POST). Each has an ETag (the SHA-256 of its
/// content); writes honour `If-Match` and `If-None-Match` (412 when they fail), and a profile PUT over an existing
/// document without either is refused (409), as the specification requires.
///
/// Where a document lives: the partition of its address (a hash of activity, agent and registration), so that
/// every instance sends a request about it to the same store (another instance's partition: a redirect).
struct DocumentResource: Sendable {
    enum Kind: String, Sendable {
        case state
        case activityProfile = "activity-profile"
        case agentProfile = "agent-profile"

        /// Whether a PUT over an existing document needs a precondition (409 without): the profiles.
        var requiresPrecondition: Bool { self != .state }
    }

    /// A document's address; `documentID` nil names every document of the address (ids, delete all).
    struct Address: Sendable {
        var kind: Kind
        var activityID = ""
        var agentKey = ""
        var registration = ""
        var documentID: String?

        var partition: Int {
            TrackingPartitions.partition(
                ofSession: "xapi-document\u{0}\(kind.rawValue)\u{0}\(activityID)\u{0}\(agentKey)\u{0}\(registration)")
        }

        var arguments: StatementArguments { [kind.rawValue, activityID, agentKey, registration] }
    }

    struct Document: Sendable {
        var contentType: String
        var content: Data
        var etag: String
        var updated: Date
    }

    /// `If-Match` (entity tags, or `*`) and `If-None-Match` (`*`, or entity tags) of a write.
    struct Preconditions: Sendable {
        var ifMatch: [String]?
        var ifNoneMatch: [String]?

        var isEmpty: Bool { ifMatch == nil && ifNoneMatch == nil }

        /// Whether a write may go ahead over `existing` (its entity tag, nil when there is no document).
        func allow(_ existing: String?) -> Bool {
            if let ifMatch {
                guard let existing, ifMatch.contains("*") || ifMatch.contains(existing) else { return false }
            }
            if let ifNoneMatch, let existing, ifNoneMatch.contains("*") || ifNoneMatch.contains(existing) {
                return false
            }
            return true
        }
    }

    enum Failure: Error, Sendable, Equatable {
        /// A precondition failed (412).
        case preconditionFailed
        /// A profile exists and the PUT named no precondition (409).
        case preconditionRequired
        /// A merge of documents that are not both JSON objects (400).
        case notMergeable(String)
    }

    let stores: TrackingStores

    func document(_ address: Address) async throws -> Document? {
        try await stores.store(forPartition: address.partition).read { db in try Self.row(address, db) }
    }

    /// The ids of the address's documents, updated after `since` when given.
    func ids(_ address: Address, since: Date?) async throws -> [String] {
        try await stores.store(forPartition: address.partition).read { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT document_id FROM xapi_document
                    WHERE kind = ? AND activity_id = ? AND agent_key = ? AND registration = ? AND updated_ms > ?
                    ORDER BY document_id
                    """, arguments: address.arguments + [since.map(Self.milliseconds) ?? Int64.min])
        }
    }

    /// Stores a document (PUT: replaces it; `merge`, POST: merges a JSON object into the JSON object stored).
    func write(
        _ address: Address, content: Data, contentType: String, merge: Bool, preconditions: Preconditions
    ) async throws {
        let now = Date()
        try await stores.store(forPartition: address.partition).write { db in
            let existing = try Self.row(address, db)
            guard preconditions.allow(existing?.etag) else { throw Failure.preconditionFailed }
            if !merge, address.kind.requiresPrecondition, existing != nil, preconditions.isEmpty {
                throw Failure.preconditionRequired
            }
            var stored = (content: content, type: contentType)
            if merge, let existing {
                stored = (try Self.merged(existing, into: content, contentType: contentType), "application/json")
            } else if merge, Self.isJSON(contentType) {
                guard case .object = try? JSONValue.parse(content) else {
                    throw Failure.notMergeable("a document posted as JSON must be a JSON object")
                }
            }
            try db.execute(
                sql: """
                    INSERT INTO xapi_document (kind, activity_id, agent_key, registration, document_id, content_type,
                        content, etag, updated_ms)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (kind, activity_id, agent_key, registration, document_id) DO UPDATE SET
                        content_type = excluded.content_type, content = excluded.content, etag = excluded.etag,
                        updated_ms = excluded.updated_ms
                    """,
                arguments: address.arguments + [
                    address.documentID ?? "", stored.type, stored.content, Self.etag(of: stored.content),
                    Self.milliseconds(now),
                ])
        }
    }

    /// Deletes a document, or every document of the address when it names none (states only).
    func delete(_ address: Address, preconditions: Preconditions) async throws {
        try await stores.store(forPartition: address.partition).write { db in
            if let id = address.documentID {
                guard preconditions.allow(try Self.row(address, db)?.etag) else { throw Failure.preconditionFailed }
                try db.execute(
                    sql: """
                        DELETE FROM xapi_document
                        WHERE kind = ? AND activity_id = ? AND agent_key = ? AND registration = ? AND document_id = ?
                        """, arguments: address.arguments + [id])
            } else {
                try db.execute(
                    sql: """
                        DELETE FROM xapi_document WHERE kind = ? AND activity_id = ? AND agent_key = ? AND registration = ?
                        """, arguments: address.arguments)
            }
        }
    }

    // MARK: - Inside a transaction

    private static func row(_ address: Address, _ db: Database) throws -> Document? {
        try Row.fetchOne(
            db,
            sql: """
                SELECT content_type, content, etag, updated_ms FROM xapi_document
                WHERE kind = ? AND activity_id = ? AND agent_key = ? AND registration = ? AND document_id = ?
                """, arguments: address.arguments + [address.documentID ?? ""]
        ).map {
            Document(
                contentType: $0["content_type"], content: $0["content"], etag: $0["etag"],
                updated: Date(timeIntervalSince1970: Double($0["updated_ms"] as Int64) / 1000))
        }
    }

    /// The stored JSON object with the posted one's top-level properties set over it.
    private static func merged(_ existing: Document, into posted: Data, contentType: String) throws -> Data {
        guard isJSON(existing.contentType), isJSON(contentType),
            case .object(var members) = try? JSONValue.parse(existing.content),
            case .object(let update) = try? JSONValue.parse(posted)
        else {
            throw Failure.notMergeable("only a JSON object can be merged into a JSON object document")
        }
        members.merge(update) { $1 }
        return Data(try JSONValue.object(members).canonicalText().utf8)
    }

    static func isJSON(_ contentType: String) -> Bool {
        contentType.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
            == "application/json"
    }

    static func etag(of content: Data) -> String {
        "\"" + SHA256.hex(content) + "\""
    }

    private static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }
}
