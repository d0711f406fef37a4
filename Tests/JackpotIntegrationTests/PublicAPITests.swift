import Foundation
import Testing
import JackpotStore
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
            let compile = try Self.swiftc([
                "-typecheck", "-I", modules, "-I", root.appendingPathComponent("Sources/CSQLite").path, source.path,
            ])
            #expect(
                compile.status == 0,
                "a Swift example of \(example.page) does not compile against the public API:\n\(compile.output)")
        }

        // And the check has teeth: the store's internals are not visible from outside.
        let insideView = directory.appendingPathComponent("internal.swift")
        try "import JackpotOutbox\nlet outbox = try Outbox(path: \"x\", createIfMissing: false)\n_ = outbox.database\n".write(
            to: insideView, atomically: true, encoding: .utf8)
        let refused = try Self.swiftc([
            "-typecheck", "-I", modules, "-I", root.appendingPathComponent("Sources/CSQLite").path, insideView.path,
        ])
        #expect(refused.status != 0 && refused.output.contains("database"), "\(refused.output)")
    }

    /// A platform's program, compiled and linked against the public interface
    /// alone, tells every outcome apart with `switch`es on the library's values:
    /// the error codes of real files (missing, not SQLite, locked, newer) and
    /// each kind of result and rejection.
    @Test func aPlatformProgramSwitchesOnErrorsAndRejections() throws {
        let directory = TemporaryDirectory()
        let program = try Self.buildPlatformProgram(in: directory)
        func run(_ mode: String, _ path: String) throws -> String {
            let process = Process()
            process.executableURL = program
            process.arguments = [mode, path]
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = pipe
            try process.run()
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let outbox = directory.path("outbox.sqlite3")
        #expect(try run("existing", outbox) == "error:notFound")
        #expect(!FileManager.default.fileExists(atPath: outbox))
        #expect(try run("create", directory.path("missing/outbox.sqlite3")) == "error:notFound")
        #expect(
            try run("create", directory.write("wins.csv", "reference,amount\n" + String(repeating: "r-1,55\n", count: 600)))
                == "error:notAnOutbox")

        #expect(try run("create", outbox) == "accepted duplicate conflict:amount invalid:timestamp")
        #expect(try run("existing", outbox) == "duplicate duplicate conflict:amount invalid:timestamp")

        let blocker = try Outbox(path: outbox)
        try blocker.database.execute("BEGIN IMMEDIATE")
        #expect(try run("existing", outbox) == "error:busy")
        try blocker.database.execute("ROLLBACK")

        let purged = directory.path("purged.sqlite3")
        try Outbox(path: purged).database.execute(
            """
            INSERT INTO tombstones (reference, operator, content_digest, transaction_id, delivered_at, purged_at)
            VALUES ('p-1', 'casino-a', X'00', 'T-9', 1793543405123, 1793629805123)
            """)
        #expect(try run("existing", purged) == "purged:T-9 purged:T-9 purged:T-9 invalid:timestamp")

        try Outbox(path: purged).database.setUserVersion(Schema.currentVersion + 1)
        #expect(try run("existing", purged) == "error:newerSchema")
    }

    /// Writes the program and links it with the library's object files only (JackpotOutbox
    /// and the modules it re-exports), without the package name that would open `package` declarations.
    static func buildPlatformProgram(in directory: TemporaryDirectory) throws -> URL {
        let source = directory.write(
            "main.swift",
            """
            import JackpotOutbox

            func word(_ error: OutboxError) -> String {
                switch error.code {
                case .notFound: return "notFound"
                case .notAnOutbox: return "notAnOutbox"
                case .newerSchema: return "newerSchema"
                case .busy: return "busy"
                case .full: return "full"
                default: return "other(\\(error))"
                }
            }

            func word(_ result: EnqueueResult) -> String {
                switch result {
                case .accepted: return "accepted"
                case .duplicate: return "duplicate"
                case .rejected(.invalid(let field, _)): return "invalid:" + field
                case .rejected(.conflict(_, let fields)): return "conflict:" + fields.joined(separator: ",")
                case .rejected(.conflictWithPurgedWin(_, let transactionId, _, _)): return "purged:" + transactionId
                }
            }

            func win(_ reference: String, _ amount: String, _ timestamp: String?) -> NewWin {
                NewWin(operatorName: "casino-a", userId: "421", gameId: "Im_60_tumblefortune", roundId: "5103188801",
                       amount: try! DecimalAmount(validating: amount), reference: reference, timestamp: timestamp,
                       jackpotId: "568")
            }

            do throws(OutboxError) {
                let outbox = try Outbox(path: CommandLine.arguments[2], createIfMissing: CommandLine.arguments[1] == "create",
                                        busyTimeoutMilliseconds: 0)
                let results = try outbox.enqueue([
                    win("p-1", "55", "1482429190374"), win("p-1", "55", nil), win("p-1", "56", "1482429190374"),
                    win("p-2", "55", "1482429190"),
                ])
                print(results.map(word).joined(separator: " "))
            } catch {
                print("error:" + word(error))
            }

            """)
        let products = DaemonProcess.binary.deletingLastPathComponent()
        var objects: [String] = []
        for module in ["JackpotOutbox", "JackpotStore", "JackpotWire"] {
            let folder = products.appendingPathComponent("\(module).build")
            objects += try FileManager.default.contentsOfDirectory(atPath: folder.path)
                .filter { $0.hasSuffix(".o") }.map { folder.appendingPathComponent($0).path }
        }
        try #require(!objects.isEmpty, "no object files of the library under \(products.path)")
        let root = URL(fileURLWithPath: DocsText.packageRoot)
        let program = URL(fileURLWithPath: directory.path("platform"))
        let build = try Self.swiftc(
            [
                "-I", products.appendingPathComponent("Modules").path, "-I", root.appendingPathComponent("Sources/CSQLite").path,
                source,
            ] + objects + ["-lsqlite3", "-o", program.path])
        try #require(build.status == 0, "the platform program does not build against the public API:\n\(build.output)")
        return program
    }

    /// Every ```swift block of `text`, without its fences.
    static func swiftBlocks(in text: String) -> [String] {
        var blocks: [String] = []
        var rest = text[...]
        while let open = rest.range(of: "```swift\n"), let close = rest.range(of: "\n```", range: open.upperBound..<rest.endIndex)
        {
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
