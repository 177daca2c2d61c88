import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Runs a command to its end on a thread of its own (never blocking Swift's cooperative threads).
///
/// `Foundation.Process` is not used here: on Linux it notices the end of a child through a
/// descriptor that a daemon started by the child (the RabbitMQ node) inherits, so it would wait
/// for the daemon instead of the command.
@discardableResult
func runProcess(_ executable: String, _ arguments: [String]) async throws -> Int32 {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int32, any Error>) in
        Thread {
            var pid: pid_t = 0
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
            defer { posix_spawn_file_actions_destroy(&actions) }
            let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
            defer { argv.forEach { free($0) } }
            let spawned = posix_spawn(&pid, executable, &actions, nil, argv, environ)
            guard spawned == 0 else {
                continuation.resume(throwing: POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EINVAL))
                return
            }
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0, errno == EINTR {}
            continuation.resume(returning: (status >> 8) & 0xff)
        }.start()
    }
}

/// Runs `scripts/rabbitmq-node <arguments>` against a test node, failing the test if it fails.
func controlNode(_ arguments: String...) async throws {
    let script = try #require(TestEnvironment.nodeControl, "MAGISTERE_TEST_NODE_CTL is not set: run scripts/test")
    let status = try await runProcess(script, arguments)
    try #require(status == 0, "rabbitmq-node \(arguments.joined(separator: " ")) exited with \(status)")
}

/// The directory holding the package's built executables.
var builtProductsDirectory: URL {
    TestEnvironment.repositoryRoot.appendingPathComponent(".build/debug")
}
