import Foundation
import Testing
import JackpotCLI
import JackpotStore
import TestSupport

/// Bad input at `jackpotd enqueue`: every malformed line is rejected with its line
/// number and the field at fault, the good lines around it are kept, and the exit
/// code says that something was rejected.
@Suite(.timeLimit(.minutes(2))) struct EnqueueBadInputTests {
    /// A config naming `casino-a` (so unknown operators are caught) and an input file.
    private func enqueue(_ lines: [[UInt8]], in directory: TemporaryDirectory) async -> CLIResult {
        let config = writeConfig(
            in: directory,
            operators: [
                TestOperator(name: "casino-a", url: "http://127.0.0.1:9/V4/JackPotWin", secret: "testKey")
            ])
        var bytes: [UInt8] = []
        for line in lines { bytes += line + [UInt8(ascii: "\n")] }
        let file = directory.path("wins.jsonl")
        try! Data(bytes).write(to: URL(fileURLWithPath: file))
        return await runCLI(["enqueue", "--create", "--config", config, "--file", file])
    }

    private func good(_ reference: String) -> [UInt8] {
        Array(winLine(reference, operator: "casino-a").utf8)
    }

    /// The stderr lines that report rejections (`line N: …`).
    private func rejectionLines(_ errors: String) -> [String] {
        errors.split(separator: "\n").map(String.init).filter { $0.hasPrefix("line ") }
    }

    @Test(arguments: BadEnqueueLine.all)
    func badLineIsRejectedAndItsNeighboursKept(_ bad: BadEnqueueLine) async throws {
        let directory = TemporaryDirectory()
        let result = await enqueue([good("good-1"), bad.bytes, good("good-2")], in: directory)

        #expect(result.code == .failure)
        let rejections = rejectionLines(result.errors)
        #expect(rejections.count == 1, "stderr: \(result.errors)")
        let rejection = try #require(rejections.first)
        #expect(rejection.hasPrefix("line 2: "), "\(rejection)")
        for mention in bad.mentions {
            #expect(rejection.contains(mention), "\"\(mention)\" not in: \(rejection)")
        }
        #expect(rejection.count < 400, "a rejection is one readable line, not an echo of the input")
        #expect(result.output.contains("accepted 2, duplicate 0, rejected 1"), "\(result.output)")
        let stored = try OutboxProbe(path: directory.path("outbox.sqlite3")).wins()
        #expect(Set(stored.map(\.reference)) == ["good-1", "good-2"])
        #expect(stored.allSatisfy { $0.state == .pending && $0.amount == "55" })
    }

    @Test func tableCoversAtLeastFortyCasesAndEveryField() {
        #expect(BadEnqueueLine.all.count >= 40)
        let fields = BadEnqueueLine.requiredTextFields + BadEnqueueLine.optionalTextFields + ["amount"]
        for field in fields {
            #expect(BadEnqueueLine.wrongTypes.contains { $0.mentions.first == field }, "no wrong-type case for \(field)")
        }
        #expect(Set(BadEnqueueLine.all.map(\.name)).count == BadEnqueueLine.all.count, "case names are unique")
    }

    /// All bad lines in one batch, each between two good ones: every rejection is
    /// reported against its own line, and exactly the good lines are stored.
    @Test func everyBadLineInOneBatchIsReportedAtItsOwnLine() async throws {
        let directory = TemporaryDirectory()
        var lines: [[UInt8]] = [good("g-0")]
        var expectedBadLines: [Int] = []
        for (index, bad) in BadEnqueueLine.all.enumerated() {
            lines.append(bad.bytes)
            expectedBadLines.append(lines.count)
            lines.append(good("g-\(index + 1)"))
        }
        let result = await enqueue(lines, in: directory)

        #expect(result.code == .failure)
        let reported = rejectionLines(result.errors).compactMap { line -> Int? in
            let number = line.dropFirst("line ".count).prefix { $0 != ":" }
            return Int(number)
        }
        #expect(reported == expectedBadLines)
        let goodCount = BadEnqueueLine.all.count + 1
        #expect(result.output.contains("accepted \(goodCount), duplicate 0, rejected \(BadEnqueueLine.all.count)"))
        let stored = try OutboxProbe(path: directory.path("outbox.sqlite3")).wins()
        #expect(Set(stored.map(\.reference)) == Set((0..<goodCount).map { "g-\($0)" }))
    }

    @Test func sameReferenceWithDifferentContentIsAConflictAndIdenticalIsADuplicate() async throws {
        let directory = TemporaryDirectory()
        let first = await enqueue([good("ref-1"), good("ref-2")], in: directory)
        #expect(first.code == .success)

        let again = await enqueue([good("ref-1")], in: directory)
        #expect(again.code == .success, "an identical win again is a no-op, not an error: \(again.errors)")
        #expect(again.output.contains("accepted 0, duplicate 1, rejected 0"), "\(again.output)")

        let changed = await enqueue(
            [
                good("ref-3"), Array(winLine("ref-1", operator: "casino-a", amount: "56").utf8),
                Array(winLine("ref-2", operator: "casino-a", extra: #""platform":"mobile""#).utf8),
            ],
            in: directory)
        #expect(changed.code == .failure)
        let rejections = rejectionLines(changed.errors)
        #expect(rejections.count == 2, "\(changed.errors)")
        #expect(
            rejections.first { $0.hasPrefix("line 2: ") }?.contains("ref-1 already exists with a different amount") == true,
            "\(changed.errors)")
        #expect(
            rejections.first { $0.hasPrefix("line 3: ") }?.contains("ref-2 already exists with a different platform") == true,
            "\(changed.errors)")
        #expect(changed.output.contains("accepted 1, duplicate 0, rejected 2"))

        let probe = OutboxProbe(path: directory.path("outbox.sqlite3"))
        #expect(try probe.win("ref-1")?.amount == "55", "the stored win is unchanged by the conflicting line")
        #expect(try probe.win("ref-2")?.platform == nil)
        #expect(try probe.count() == 3)
    }
}
