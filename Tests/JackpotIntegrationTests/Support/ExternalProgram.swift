import Foundation

/// Another program run to completion (mandoc, bash, a language runtime), its
/// stdout and stderr read together as a person would see them.
enum ExternalProgram {
    struct Result {
        let status: Int32
        let output: String
    }

    struct NotInstalled: Error, CustomStringConvertible {
        let description: String
    }

    /// The absolute path of `name` on PATH; nil when it is not installed.
    static func find(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// `find`, or an error naming the Debian package that provides it.
    static func require(_ name: String, package: String) throws -> String {
        guard let path = find(name) else {
            throw NotInstalled(
                description: "\(name) is not installed: install the Debian package '\(package)' (.ci/install-deps does)")
        }
        return path
    }

    /// Runs `executable` with `input` on its stdin; `environment` is added to this process's.
    static func run(
        _ executable: String, _ arguments: [String], input: [UInt8] = [], environment: [String: String] = [:],
        directory: String? = nil
    ) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let output = Pipe()
        let stdin = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = stdin
        try process.run()
        // Small inputs (request bodies): the pipe buffer holds them, so writing before reading cannot block.
        stdin.fileHandleForWriting.write(Data(input))
        try stdin.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }
}
