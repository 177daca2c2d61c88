import Contracts
import Foundation
import Hummingbird
import Logging

/// The request context of every service: Hummingbird's core storage plus the platform's JSON coding.
public struct ServiceRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Who is calling, once ``AccessMiddleware`` verified the token (nil on routes open to anyone).
    public var caller: Caller?

    public init(source: Source) {
        coreContext = .init(source: source)
    }

    /// Bodies are read by ``JSONBody`` with its own limit; this is the hard ceiling.
    public var maxUploadSize: Int { 2 * 1024 * 1024 }

    public var requestDecoder: EventCodingRequestDecoder { EventCodingRequestDecoder() }
    public var responseEncoder: EventCodingResponseEncoder { EventCodingResponseEncoder() }
}

/// Decodes request bodies with the platform's JSON rules and problem+json errors.
public struct EventCodingRequestDecoder: RequestDecoder {
    public func decode<T: Decodable>(
        _ type: T.Type, from request: Request, context: some RequestContext
    ) async throws -> T {
        try await JSONBody.decode(type, from: request)
    }
}

/// Encodes responses with the platform's JSON rules.
public struct EventCodingResponseEncoder: ResponseEncoder {
    public func encode(_ value: some Encodable, from request: Request, context: some RequestContext) throws -> Response
    {
        let data = try EventCoding.encode(value)
        return Response(
            status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
