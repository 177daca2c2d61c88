import Contracts
import Foundation
import GRDB
import Logging
import Messaging
@_exported import TestSupport
import Testing

/// Where the test brokers are: `scripts/test` starts them and exports these variables.
enum TestEnvironment {
    static var amqpURL: String? { ProcessInfo.processInfo.environment["MAGISTERE_TEST_AMQP_URL"] }
    static var faultAMQPURL: String? { ProcessInfo.processInfo.environment["MAGISTERE_TEST_FAULT_AMQP_URL"] }
    static var faultNode: String? { ProcessInfo.processInfo.environment["MAGISTERE_TEST_FAULT_NODE"] }
    /// A three-node RabbitMQ cluster: its URL names every node, first the one connections try first.
    static var clusterAMQPURL: String? { ProcessInfo.processInfo.environment["MAGISTERE_TEST_CLUSTER_AMQP_URL"] }
    /// The cluster's node names (comma-separated), in the URL's order, with their AMQP ports.
    static var clusterNodes: String? { ProcessInfo.processInfo.environment["MAGISTERE_TEST_CLUSTER_NODES"] }
    static var nodeControl: String? { ProcessInfo.processInfo.environment["MAGISTERE_TEST_NODE_CTL"] }
    /// The main test broker's node name (for `scripts/rabbitmq-node ctl`: policies, deleting a queue).
    static var node: String? { ProcessInfo.processInfo.environment["MAGISTERE_TEST_NODE"] }

    static func requireNode() throws -> String {
        try #require(node, "MAGISTERE_TEST_NODE is not set: run the tests with scripts/test")
    }

    /// The main test broker; a test needing it fails (never skips) when it is not configured.
    static func requireAMQP() throws -> AMQPEndpoint {
        try TestBroker.requireEndpoint()
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("magistere-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static var logger: Logger {
        var logger = Logger(label: "test")
        logger.logLevel = (ProcessInfo.processInfo.environment["MAGISTERE_TEST_LOG"] ?? "").isEmpty ? .critical : .debug
        return logger
    }

    /// The repository root (for scripts and built products).
    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
    }

    /// Runs `scripts/rabbitmq-node <arguments>` and waits for it.
    static func nodeControl(_ arguments: String...) throws {
        let script = try #require(nodeControl, "MAGISTERE_TEST_NODE_CTL is not set: run the tests with scripts/test")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: script)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "rabbitmq-node \(arguments.joined(separator: " ")) failed")
    }
}
