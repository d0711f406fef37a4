import Foundation
import JackpotCLI
import JackpotWire

/// What one in-process `jackpotd …` call printed and returned.
package struct CLIResult {
    package let code: ExitCode
    package let output: String
    package let errors: String
}

/// Runs a command line in-process with captured output.
package func runCLI(_ arguments: [String], environment: [String: String] = [:], standardInputFile: String? = nil) async
    -> CLIResult
{
    let output = TextOutput.capturing()
    let errors = TextOutput.capturing()
    var descriptor = STDIN_FILENO
    if let standardInputFile { descriptor = open(standardInputFile, O_RDONLY | O_CLOEXEC) }
    defer { if standardInputFile != nil { close(descriptor) } }
    let context = CommandContext(output: output, errors: errors, environment: environment, standardInput: descriptor)
    let code = await CommandLineTool.run(arguments, context: context)
    return CLIResult(code: code, output: output.text, errors: errors.text)
}

/// One operator in a test config.
package struct TestOperator {
    package var name: String
    package var url: String
    package var secret: String
    /// Extra JSON members for the operator object, e.g. `"encoding": "form"`.
    package var extra: String = ""

    package init(name: String, url: String, secret: String, extra: String = "") {
        self.name = name
        self.url = url
        self.secret = secret
        self.extra = extra
    }
}

/// Writes a config (secrets in files) and returns its path.
@discardableResult
package func writeConfig(
    in directory: TemporaryDirectory, database: String? = nil, operators: [TestOperator], extraTopLevel: String = ""
) -> String {
    let members = operators.map { op in
        let secretFile = directory.write("secrets/\(op.name)", op.secret)
        var fields = [
            "\"url\": \(JSONWriter.quoted(op.url))", "\"secretFile\": \(JSONWriter.quoted(secretFile))",
            "\"allowInsecureHTTP\": true",
        ]
        if !op.extra.isEmpty { fields.append(op.extra) }
        return "\(JSONWriter.quoted(op.name)): {\(fields.joined(separator: ", "))}"
    }
    var top = [
        "\"database\": \(JSONWriter.quoted(database ?? directory.path("outbox.sqlite3")))",
        "\"providerId\": \"luckymonaco\"",
        "\"operators\": {\(members.joined(separator: ", "))}",
    ]
    if !extraTopLevel.isEmpty { top.append(extraTopLevel) }
    return directory.write("config.json", "{\(top.joined(separator: ", "))}")
}

/// A JSON Lines record for `enqueue`.
package func winLine(_ reference: String, operator name: String, amount: String = "55", extra: String = "") -> String {
    var line =
        "{\"operator\":\"\(name)\",\"userId\":\"421\",\"gameId\":\"Im_60_tumblefortune\",\"roundId\":\"5103188801\",\"amount\":\(amount),\"reference\":\"\(reference)\",\"jackpotId\":\"568\""
    if !extra.isEmpty { line += "," + extra }
    return line + "}"
}

/// Polls `condition` until it holds or `seconds` pass; returns whether it held.
/// Bounds waiting in end-to-end tests; it never asserts on speed.
package func eventually(within seconds: Double = 30, _ condition: () throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
    // A cancelled test (its time limit passed) stops waiting at once instead of spinning.
    while ContinuousClock.now < deadline, !Task.isCancelled {
        if try condition() { return true }
        try? await Task.sleep(for: .milliseconds(50))
    }
    return try condition()
}
