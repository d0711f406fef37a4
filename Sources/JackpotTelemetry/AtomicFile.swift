#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Replaces a file's contents all at once: readers (node_exporter's textfile
/// collector) see the old file or the new one, never a half-written one.
package enum AtomicFile {
    /// Writes `text` to a temporary file in the same directory (so `rename(2)`
    /// stays on one file system and is atomic), flushes it with `fsync`, then
    /// renames it over `path`. The result has mode 0644 whatever the umask, so
    /// an exporter running as another user can read it. The temporary name does
    /// not end in `.prom`, so the collector never picks it up half-written.
    package static func write(_ text: String, to path: String) throws(AtomicFileError) {
        try write(to: path) { write in write(text) }
    }

    /// The same with the contents handed over in pieces: `produce` calls its
    /// argument with each piece in order, so the whole text (the metrics of ten
    /// thousand operators are 7 MB) never sits in memory at once.
    package static func write(to path: String, _ produce: ((String) -> Void) -> Void) throws(AtomicFileError) {
        let directory = parentDirectory(of: path)
        let temporary = "\(directory)/.\(baseName(of: path)).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw AtomicFileError(path: path, operation: "create temporary file", errno: errno) }
        var succeeded = false
        defer {
            if !succeeded { unlink(temporary) }
        }
        do {
            defer { close(descriptor) }
            guard fchmod(descriptor, 0o644) == 0 else { throw AtomicFileError(path: path, operation: "chmod", errno: errno) }
            var failure: Int32 = 0
            produce { piece in
                if failure == 0 { failure = JackpotTelemetry.writeAll(descriptor, piece.utf8) }
            }
            if failure != 0 { throw AtomicFileError(path: path, operation: "write", errno: failure) }
            guard fsync(descriptor) == 0 else { throw AtomicFileError(path: path, operation: "fsync", errno: errno) }
        }
        guard rename(temporary, path) == 0 else { throw AtomicFileError(path: path, operation: "rename", errno: errno) }
        succeeded = true
    }

    private static func parentDirectory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    private static func baseName(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }
}

/// A failed atomic write, naming the file the operator configured and the step
/// that failed, so the log line alone says what to fix.
package struct AtomicFileError: Error, Sendable, Hashable, CustomStringConvertible {
    package let path: String
    package let operation: String
    package let errno: Int32

    package var description: String {
        "cannot write \(path): \(operation) failed: \(String(cString: strerror(errno)))"
    }
}
