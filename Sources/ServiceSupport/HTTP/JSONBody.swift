import Contracts
import Foundation
import Hummingbird

/// Reads JSON request bodies strictly: the content type must be JSON (415), the body must fit the
/// limit (413), and a decoding failure is a 400/422 problem naming the field.
public enum JSONBody {
    /// The largest body the services accept by default.
    public static let defaultLimit = 256 * 1024

    public static func decode<T: Decodable>(
        _ type: T.Type, from request: Request, limit: Int = defaultLimit
    ) async throws -> T {
        try requireJSONContentType(request)
        return try decode(type, from: try await collect(request, limit: limit))
    }

    /// The whole body, or a 413 problem when it is over `limit` bytes.
    public static func collect(_ request: Request, limit: Int = defaultLimit) async throws -> Data {
        do {
            return Data(buffer: try await request.body.collect(upTo: limit))
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw tooLarge(limit)
        } catch  where "\(type(of: error))".contains("TooManyBytes") {
            throw tooLarge(limit)
        }
    }

    static func tooLarge(_ limit: Int) -> Problem {
        Problem(
            .contentTooLarge, kind: "too-large", title: "Request body too large",
            detail: "the body is over the limit of \(limit / 1024) KiB",
            errors: [.init(field: "body", problem: "larger than \(limit) bytes")])
    }

    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        guard !data.isEmpty else { throw Problem.malformed("", "the request body is empty") }
        try JSONShapeLimits.standard.check(data)
        do {
            return try EventCoding.decode(type, from: data)
        } catch {
            if error.problem.hasPrefix("The given data was not valid JSON") || error.field.isEmpty {
                throw Problem.malformed(
                    error.field, error.problem.hasPrefix("The given data") ? "not valid JSON" : error.problem)
            }
            throw Problem.invalid(error.field, error.problem)
        }
    }

    /// 415 unless the request says it sends JSON.
    public static func requireJSONContentType(_ request: Request, allowing others: [String] = []) throws {
        let type = request.headers[.contentType]?.split(separator: ";").first.map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        }
        guard let type, type == "application/json" || type.hasSuffix("+json") || others.contains(type) else {
            throw Problem(
                .unsupportedMediaType, kind: "unsupported-media-type", title: "Unsupported media type",
                detail: "send the body as application/json (got \(type ?? "no Content-Type"))",
                errors: [.init(field: "Content-Type", problem: "must be application/json")])
        }
    }
}

extension Data {
    init(buffer: ByteBuffer) {
        self = buffer.withUnsafeReadableBytes { Data($0) }
    }
}
