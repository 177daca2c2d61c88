import Testing

@testable import LoadGenerator

@Suite("The load generator drives services on this machine's loopback interface only")
struct LoopbackTargetTests {
    @Test(
        "loopback URLs are accepted, localhost as 127.0.0.1",
        arguments: [
            ("http://127.0.0.1:8083", "127.0.0.1", 8083), ("http://127.1.2.3:80/", "127.1.2.3", 80),
            ("http://localhost:8081", "127.0.0.1", 8081), ("http://[::1]:8082", "::1", 8082),
            ("HTTP://LOCALHOST:9000", "127.0.0.1", 9000),
        ])
    func accepted(url: String, host: String, port: Int) throws {
        let target = try LoopbackTarget(url: url)
        #expect(target.host == host)
        #expect(target.port == port)
    }

    @Test(
        "anything else is refused, names included, without resolving them",
        arguments: [
            "http://10.0.0.1:8083", "http://192.168.1.2:80", "http://example.org:8081", "http://[2001:db8::1]:80",
            "https://127.0.0.1:8083", "http://0.0.0.0:8083", "http://127.0.0.1.example.org/", "http://1270.0.0.1/",
            "http://127.0.0.1:8083/some/path", "ftp://127.0.0.1/", "not a url", "http://localhost.evil.test:80",
        ])
    func refused(url: String) {
        #expect(throws: NotLoopback.self) { try LoopbackTarget(url: url) }
    }
}
