import Foundation

/// The pieces of a gzip bomb for `BigAnswerServer`: one gzip member inflating
/// to 1 MiB of zeros (about 1 KB at `gzip -9`), built by the system's gzip.
package enum GzipBomb {
    /// The gzip executable, nil when this machine has none (callers skip then).
    package static var gzipPath: String? {
        ["/usr/bin/gzip", "/bin/gzip"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    package struct Unavailable: Error, CustomStringConvertible {
        package let description: String
    }

    /// One gzip member of 1 MiB of zeros. All input is written before the output
    /// is read: the output (about 1 KB) fits a pipe's buffer, so gzip never blocks on it.
    package static func member() throws -> [UInt8] {
        guard let gzipPath else { throw Unavailable(description: "no gzip executable to build the bomb with") }
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: gzipPath)
        gzip.arguments = ["-9", "-n", "-c"]
        let input = Pipe()
        let output = Pipe()
        gzip.standardInput = input
        gzip.standardOutput = output
        try gzip.run()
        input.fileHandleForWriting.write(Data(count: 1024 * 1024))
        try input.fileHandleForWriting.close()
        let bytes = output.fileHandleForReading.readDataToEndOfFile()
        gzip.waitUntilExit()
        guard gzip.terminationStatus == 0, !bytes.isEmpty else {
            throw Unavailable(description: "gzip exited with status \(gzip.terminationStatus)")
        }
        return Array(bytes)
    }
}
