import Contracts
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting

// The one set of HTTP helpers the three services' tests use over HummingbirdTesting's client.

extension TestClientProtocol {
    /// Sends `json`, a value the platform encodes (``EventCoding``), with `caller`'s token.
    @discardableResult
    public func send<Body: Encodable>(
        _ method: HTTPRequest.Method, _ uri: String, json: Body, headers: HTTPFields = [:],
        as caller: HTTPFields = [:]
    ) async throws -> TestResponse {
        try await send(
            method, uri, body: ByteBuffer(bytes: try EventCoding.encode(json)), contentType: "application/json",
            headers: headers, as: caller)
    }

    /// Sends `json`, a JSON object as a client would write it by hand (no body when nil).
    @discardableResult
    public func send(
        _ method: HTTPRequest.Method, _ uri: String, json: [String: Any]?, contentType: String = "application/json",
        headers: HTTPFields = [:], as caller: HTTPFields = [:]
    ) async throws -> TestResponse {
        try await send(
            method, uri, body: try json.map { ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: $0)) },
            contentType: json == nil ? nil : contentType, headers: headers, as: caller)
    }

    /// Sends `raw` as it is (a broken body, a CSV file…), or no body at all.
    @discardableResult
    public func send(
        _ method: HTTPRequest.Method, _ uri: String, raw: String? = nil, contentType: String? = nil,
        headers: HTTPFields = [:], as caller: HTTPFields = [:]
    ) async throws -> TestResponse {
        try await send(
            method, uri, body: raw.map { ByteBuffer(string: $0) }, contentType: raw == nil ? nil : contentType,
            headers: headers, as: caller)
    }

    private func send(
        _ method: HTTPRequest.Method, _ uri: String, body: ByteBuffer?, contentType: String?, headers: HTTPFields,
        as caller: HTTPFields
    ) async throws -> TestResponse {
        var fields = headers
        fields.append(contentsOf: caller)
        if let contentType, fields[.contentType] == nil { fields[.contentType] = contentType }
        return try await execute(uri: uri, method: method, headers: fields, body: body)
    }
}

extension TestResponse {
    public var text: String { String(buffer: body) }

    /// The body as a JSON object (empty when it is not one).
    public var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] ?? [:]
    }

    /// The body decoded as the platform encodes it.
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try EventCoding.decoder().decode(type, from: Data(body.readableBytesView))
    }

    /// The body as a JSON object; throws when it is not one.
    public var object: [String: Any] {
        get throws {
            guard let object = try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]
            else { throw NotAJSONObject(text: text) }
            return object
        }
    }

    /// The fields a problem names.
    public var problemFields: [String] {
        get throws { ((try object["errors"] as? [[String: Any]]) ?? []).compactMap { $0["field"] as? String } }
    }

    public var eTag: String? { headers[.eTag] }
}

/// A response body that should have been a JSON object.
public struct NotAJSONObject: Error, CustomStringConvertible {
    public var text: String
    public var description: String { "not a JSON object: \(text)" }
}
