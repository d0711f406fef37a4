import Foundation
import Testing
import TestSupport

/// The library product is the enqueue API and nothing else: every Swift
/// example in the documentation (docs/platform.md's "From Swift") must compile
/// against the public interface alone, as a platform's own package would see
/// it (no `package` access, no `@testable`).
@Suite(.timeLimit(.minutes(5)), .oneTestPerCore) struct PublicAPITests {
    @Test func swiftExamplesCompileAgainstThePublicInterface() throws {
        let root = URL(fileURLWithPath: DocsText.packageRoot)
        let platform = try DocsText(DocsText.platform)
        let fromSwift = try #require(platform.section("### From Swift"), "\(platform.page) has no From Swift")
        let example = try #require(Self.swiftBlocks(in: fromSwift).first, "no Swift example in \(platform.page)")
        #expect(example.contains("outbox.enqueue("))
        #expect(example.hasPrefix("import JackpotOutbox "), "a platform imports the library product's own module")
        var examples: [(page: String, code: String)] = []
        for page in DocsText.pages { examples += try Self.swiftBlocks(in: DocsText(page).text).map { (page, $0) } }

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("PublicAPITests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // The modules SwiftPM built for this test run, beside the jackpotd executable.
        let modules = DaemonProcess.binary.deletingLastPathComponent().appendingPathComponent("Modules").path
        for (number, example) in examples.enumerated() {
            let source = directory.appendingPathComponent("example\(number).swift")
            try example.code.write(to: source, atomically: true, encoding: .utf8)
            let compile = try Self.swiftc(["-typecheck", "-I", modules, "-I", root.appendingPathComponent("Sources/CSQLite").path, source.path])
            #expect(compile.status == 0, "a Swift example of \(example.page) does not compile against the public API:\n\(compile.output)")
        }

        // And the check has teeth: the store's internals are not visible from outside.
        let insideView = directory.appendingPathComponent("internal.swift")
        try "import JackpotOutbox\nlet outbox = try Outbox(path: \"x\")\n_ = outbox.database\n".write(to: insideView, atomically: true, encoding: .utf8)
        let refused = try Self.swiftc(["-typecheck", "-I", modules, "-I", root.appendingPathComponent("Sources/CSQLite").path, insideView.path])
        #expect(refused.status != 0 && refused.output.contains("database"), "\(refused.output)")
    }

    /// Every ```swift block of `text`, without its fences.
    static func swiftBlocks(in text: String) -> [String] {
        var blocks: [String] = []
        var rest = text[...]
        while let open = rest.range(of: "```swift\n"), let close = rest.range(of: "\n```", range: open.upperBound..<rest.endIndex) {
            blocks.append(String(rest[open.upperBound..<close.lowerBound]) + "\n")
            rest = rest[close.upperBound...]
        }
        return blocks
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
