import Contracts
import Foundation
import HTTPTypes
import Hummingbird

/// A JSON response in the platform's encoding (sorted keys, RFC 3339 times).
public struct JSONResponse<Value: Encodable & Sendable>: ResponseGenerator, Sendable {
    public var value: Value
    public var status: HTTPResponse.Status
    public var headers: HTTPFields

    public init(_ value: Value, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) {
        self.value = value
        self.status = status
        self.headers = headers
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let data = try EventCoding.encode(value)
        var headers = headers
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
