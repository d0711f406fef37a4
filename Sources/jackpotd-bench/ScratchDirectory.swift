import Foundation

/// A temporary directory for one bench run (outboxes, configs, input files),
/// removed at the end. Each measurement takes its own subdirectory, so no
/// database or operator is reused between measurements.
final class ScratchDirectory: Sendable {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.path + "/jackpotd-bench-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// A fresh, empty subdirectory named `name`.
    func subdirectory(_ name: String) throws -> String {
        let directory = path + "/" + name
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}
