import Foundation
import Testing
import TestSupport

/// The library product is the enqueue API and nothing else: README's Swift
/// example must compile against the public interface alone, as a platform's
/// own package would see it (no `package` access, no `@testable`).
@Suite(.timeLimit(.minutes(5)), .oneTestPerCore) struct PublicAPITests {
    @Test func readmeSwiftExampleCompilesAgainstThePublicInterface() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let example = try #require(Self.swiftBlock(after: "**From Swift**", in: readme), "no Swift example in README")
        #expect(example.contains("outbox.enqueue("))

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("PublicAPITests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let source = directory.appendingPathComponent("main.swift")
        try example.write(to: source, atomically: true, encoding: .utf8)

        // The modules SwiftPM built for this test run, beside the jackpotd executable.
        let modules = DaemonProcess.binary.deletingLastPathComponent().appendingPathComponent("Modules").path
        let compile = try Self.swiftc(["-typecheck", "-I", modules, "-I", root.appendingPathComponent("Sources/CSQLite").path, source.path])
        #expect(compile.status == 0, "README's example does not compile against the public API:\n\(compile.output)")

        // And the check has teeth: the store's internals are not visible from outside.
        let insideView = directory.appendingPathComponent("internal.swift")
        try "import JackpotStore\nlet outbox = try Outbox(path: \"x\")\n_ = outbox.database\n".write(to: insideView, atomically: true, encoding: .utf8)
        let refused = try Self.swiftc(["-typecheck", "-I", modules, "-I", root.appendingPathComponent("Sources/CSQLite").path, insideView.path])
        #expect(refused.status != 0 && refused.output.contains("database"), "\(refused.output)")
    }

    /// The first ```swift block after `marker`.
    static func swiftBlock(after marker: String, in text: String) -> String? {
        guard let start = text.range(of: marker),
              let open = text.range(of: "```swift\n", range: start.upperBound..<text.endIndex),
              let close = text.range(of: "\n```", range: open.upperBound..<text.endIndex)
        else { return nil }
        return String(text[open.upperBound..<close.lowerBound]) + "\n"
    }

    static func swiftc(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["swiftc"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
