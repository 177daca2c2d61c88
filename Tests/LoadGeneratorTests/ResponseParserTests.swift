import NIOCore
import Testing

@testable import LoadGenerator

@Suite("The generator reads the status and the length of each HTTP/1.1 answer, and nothing more")
struct ResponseParserTests {
    @Test("a response with Content-Length is taken whole, leaving what follows")
    func contentLength() throws {
        var buffer = ByteBuffer(
            string:
                "HTTP/1.1 201 Created\r\ncontent-type: application/json\r\nContent-Length: 7\r\n\r\n{\"a\":1}HTTP/1.1")
        let response = try #require(try ResponseParser.take(from: &buffer, keepBody: true))
        #expect(response.status == 201)
        #expect(String(decoding: response.body, as: UTF8.self) == "{\"a\":1}")
        #expect(!response.closes)
        #expect(String(buffer: buffer) == "HTTP/1.1")
    }

    @Test("an incomplete response is left in place until the rest arrives")
    func incomplete() throws {
        let whole = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\nConnection: close\r\n\r\n0123456789"
        for cut in [5, 20, 58, whole.utf8.count - 1] {
            var buffer = ByteBuffer(bytes: Array(whole.utf8.prefix(cut)))  // bytes: "\r\n" is one Character
            #expect(try ResponseParser.take(from: &buffer, keepBody: false) == nil)
            #expect(buffer.readableBytes == cut)
        }
        var buffer = ByteBuffer(string: whole)
        let response = try #require(try ResponseParser.take(from: &buffer, keepBody: false))
        #expect(response.status == 200 && response.closes && response.body.isEmpty)
        #expect(buffer.readableBytes == 0)
    }

    @Test("a chunked body is put back together")
    func chunked() throws {
        let text =
            "HTTP/1.1 503 Service Unavailable\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n3;x=y\r\nefg\r\n0\r\n\r\n"
        var partial = ByteBuffer(bytes: Array(text.utf8.dropLast(2)))
        #expect(try ResponseParser.take(from: &partial, keepBody: true) == nil)
        var buffer = ByteBuffer(string: text)
        let response = try #require(try ResponseParser.take(from: &buffer, keepBody: true))
        #expect(response.status == 503)
        #expect(String(decoding: response.body, as: UTF8.self) == "abcdefg")
        #expect(buffer.readableBytes == 0)
    }

    @Test("a response that is not HTTP is an error, not a hang")
    func malformed() {
        var buffer = ByteBuffer(string: "SSH-2.0-OpenSSH\r\n\r\n")
        #expect(throws: MalformedResponse.self) { try ResponseParser.take(from: &buffer, keepBody: false) }
    }
}
