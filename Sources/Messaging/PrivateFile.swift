import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Files that hold personal data or secrets (SQLite stores, the bus file, token secrets): readable and
/// writable by their owner only (0600), whatever the process's umask, from the first byte on.
public enum PrivateFile {
    /// Makes sure `path` exists with mode 0600, creating it empty if needed (an empty file is a valid new
    /// SQLite database), and tightens an existing file that other users could read. Its folder is created
    /// (0700) when missing.
    public static func prepare(_ path: String) throws {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        if !FileManager.default.fileExists(atPath: directory) {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw PrivateFileError(path: path, errno: errno) }
        defer { close(descriptor) }
        guard fchmod(descriptor, 0o600) == 0 else { throw PrivateFileError(path: path, errno: errno) }
    }

    /// Writes `contents` to a new file at `path`, mode 0600 from its creation; fails if the file exists.
    public static func create(_ path: String, contents: Data) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw PrivateFileError(path: path, errno: errno) }
        defer { close(descriptor) }
        guard fchmod(descriptor, 0o600) == 0 else { throw PrivateFileError(path: path, errno: errno) }
        try contents.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                guard written > 0 else { throw PrivateFileError(path: path, errno: errno) }
                offset += written
            }
        }
    }
}

/// A private file could not be created or protected.
public struct PrivateFileError: Error, CustomStringConvertible {
    public var path: String
    public var errno: Int32
    public var description: String {
        "cannot create \(path) as a private file (mode 0600): \(String(cString: strerror(errno)))"
    }
}
