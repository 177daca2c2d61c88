import Foundation
import Hummingbird

/// A service's HTTP API as an OpenAPI 3.1 document: a data file of the service's own module
/// (`Sources/<Service>/OpenAPI/openapi.json`), served as it is at `GET /openapi.json` and checked against the
/// router and the access table by one conformance suite (`Tests/PlatformTests/OpenAPIConformanceTests`).
public struct OpenAPIDocument: Sendable {
    /// The file's bytes, served unchanged.
    public let data: Data

    public init(data: Data) { self.data = data }

    /// Reads the document from `OpenAPI/openapi.json` in a service module's resource bundle.
    public init(bundle: Bundle) throws {
        guard let url = bundle.url(forResource: "openapi", withExtension: "json", subdirectory: "OpenAPI") else {
            throw OpenAPIDocumentError("OpenAPI/openapi.json is missing from \(bundle.bundlePath)")
        }
        self.init(data: try Data(contentsOf: url))
    }

    /// The document parsed (for tests and tools).
    public var json: [String: Any] {
        get throws {
            guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw OpenAPIDocumentError("the OpenAPI document is not a JSON object")
            }
            return object
        }
    }

    /// `GET /openapi.json`, open to anyone; it takes no query parameter.
    func addRoute<Context: RequestContext>(to router: Router<Context>) {
        Self.serve(data, at: "openapi.json", on: router)
    }

    /// `GET path` answers `document` as JSON, open to anyone; it takes no query parameter.
    static func serve<Context: RequestContext>(_ document: Data, at path: RouterPath, on router: Router<Context>) {
        let body = ByteBuffer(bytes: document)
        router.get(path) { request, _ -> Response in
            _ = try QueryParameters(request)
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: body))
        }
    }
}

/// The OpenAPI document could not be read.
public struct OpenAPIDocumentError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
