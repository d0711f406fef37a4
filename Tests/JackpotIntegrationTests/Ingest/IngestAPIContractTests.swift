import Foundation
import Testing
import TestSupport

/// docs/ingest-openapi.yaml is a valid OpenAPI 3.1 document, and the live
/// listener keeps to it: Schemathesis, with all its checks, finds no server
/// error and no answer the document does not allow. Both tools come from
/// `.ci/install-api-tools` (a virtual environment under .build); the tests are
/// skipped, saying why, only when they cannot be installed.
@Suite(
    .timeLimit(.minutes(10)), .oneTestPerCore,
    .enabled(
        if: APITools.binDirectory != nil,
        "openapi-spec-validator and schemathesis could not be installed (see the printed reason)"))
struct IngestAPIContractTests {
    @Test func theOpenAPIDocumentIsValid() async throws {
        let bin = try #require(APITools.binDirectory)
        let result = try await APITools.run(bin + "/openapi-spec-validator", [APITools.repository + "/docs/ingest-openapi.yaml"])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("OK"))
    }

    @Test func schemathesisFindsNoServerErrorAndNoAnswerOutsideTheDocument() async throws {
        let bin = try #require(APITools.binDirectory)
        let daemon = try await IngestDaemon()
        let probe = try #require(
            await postWin(port: daemon.port, token: daemon.platformToken, winLine("contract-probe", operator: "casino-a")))
        try #require(probe.status == 201)
        let result = try await APITools.run(
            bin + "/schemathesis",
            [
                "--config-file", APITools.repository + "/docs/ingest-schemathesis.toml", "--no-color",
                "run", APITools.repository + "/docs/ingest-openapi.yaml", "--url", "http://127.0.0.1:\(daemon.port)",
                "--checks", "all", "-H", "Authorization: Bearer \(daemon.platformToken)",
                "--max-examples", "60", "--seed", "20261206", "--workers", "1",
            ])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("passed"), "\(result.output)")
        #expect(daemon.process.process.isRunning, "\(daemon.process.log)")
    }
}

/// The API checkers in the project's virtual environment.
enum APITools {
    /// The repository root, from this file's place in it.
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// The venv's bin directory, installing the tools first when missing; nil (reason printed) when that fails.
    static let binDirectory: String? = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: repository + "/.ci/install-api-tools")
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        do {
            try process.run()
        } catch {
            print("API contract tests skipped: cannot run .ci/install-api-tools: \(error)")
            return nil
        }
        let path = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let problems = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0, FileManager.default.isExecutableFile(atPath: path + "/schemathesis") else {
            print("API contract tests skipped: .ci/install-api-tools failed (exit \(process.terminationStatus)): \(problems)")
            return nil
        }
        return path
    }()

    /// Runs a tool to its end, waiting without holding a cooperative thread.
    static func run(_ executable: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        let directory = TemporaryDirectory()
        let log = directory.path("output.txt")
        try #require(FileManager.default.createFile(atPath: log, contents: nil))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        // Schemathesis keeps a cache (.schemathesis/) in its working directory: the test's own.
        process.currentDirectoryURL = directory.url
        try process.run()
        while process.isRunning, !Task.isCancelled { try? await Task.sleep(for: .milliseconds(100)) }
        if process.isRunning { process.terminate() }
        try? handle.close()
        let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        return (process.isRunning ? -1 : process.terminationStatus, output)
    }
}
