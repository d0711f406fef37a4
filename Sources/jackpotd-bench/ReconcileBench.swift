import Foundation
import JackpotStore
import JackpotWire

/// `jackpotd reconcile` of a large outbox against an operator's report of the
/// same size, as a child process: rows per second and the child's peak RSS
/// (VmHWM, read by the child as it exits), against a 10 000-row run. Bounded memory means the
/// peak barely grows with the row count: neither side is loaded whole.
///
/// The outbox is `OutboxBuilder`'s, all of it one operator's; the report lists
/// every win with its transactionId and amount written with two decimals
/// (`12.50` for `12.5`), except 1 % left out (missing at operator) and 1 % with
/// another transactionId (mismatch). Pending and failed wins come out as
/// credited, not delivered here.
struct ReconcileBench {
    let options: BenchOptions
    let scratch: ScratchDirectory

    struct Sample {
        var rows: Int
        var seconds: Double
        var peakKilobytes: Int
    }

    func run() async throws -> [Figure] {
        let small = try measure(rows: options.smallOutboxRows)
        let large = try measure(rows: options.reconcileRows)
        let name = { (count: Int) in count >= 1_000_000 && count % 1_000_000 == 0 ? "\(count / 1_000_000)M" : "\(count / 1000)k" }
        let smallName = "\(name(small.rows)) rows"
        return [
            Figure(
                "reconcile \(name(large.rows)) rows against \(name(large.rows))-row report",
                value: Double(large.rows) / large.seconds,
                unit: "rows/s", baselineName: smallName, baseline: Double(small.rows) / small.seconds),
            Figure(
                "  reconcile peak RSS (VmHWM)", value: Double(large.peakKilobytes) / 1024, unit: "MB",
                baselineName: smallName, baseline: Double(small.peakKilobytes) / 1024,
                ratio: Double(large.peakKilobytes) / Double(small.peakKilobytes), target: "ratio ≤ 1.5 (streamed)",
                met: Double(large.peakKilobytes) <= 1.5 * Double(small.peakKilobytes)),
        ]
    }

    private func measure(rows: Int) throws -> Sample {
        let directory = try scratch.subdirectory("reconcile-\(rows)")
        let path = directory + "/outbox.sqlite3"
        try OutboxBuilder.build(path: path, rows: rows, now: WallClock.nowMilliseconds())
        let database = try Outbox(path: path).database
        try database.transaction { try database.execute("UPDATE wins SET operator = 'casino-a'") }
        let report = directory + "/report.csv"
        try writeReport(from: database, to: report)

        let usage = directory + "/peak-rss"
        setenv(JackpotdChild.peakFileVariable, usage, 1)
        defer { unsetenv(JackpotdChild.peakFileVariable) }
        let (status, elapsed) = try timed {
            let child = try JackpotdChild(
                ["reconcile", "casino-a", "--file", report, "--db", path, "--json"],
                logPath: directory + "/reconcile.log", outputPath: directory + "/reconcile.json")
            return child.waitForExit()
        }
        guard status == 1 else {
            throw BenchFailure("reconcile exited \(status), expected 1 (the report differs); see \(directory)")
        }
        guard let text = try? String(contentsOfFile: usage, encoding: .utf8),
            let peak = Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
        else {
            throw BenchFailure("the reconcile child wrote no peak RSS to \(usage)")
        }
        return Sample(rows: rows, seconds: elapsed.seconds, peakKilobytes: peak)
    }

    private func writeReport(from database: Database, to path: String) throws {
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let file = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? file.close() }
        var buffer = "reference,transactionId,amount\n"
        try database.forEachRow("SELECT id, reference, transaction_id, amount FROM wins ORDER BY id") { row in
            let id = row.int64("id") ?? 0
            if id % 100 == 7 { return }
            let amount = row.string("amount") ?? ""
            let transactionId = id % 100 == 9 ? "other-\(id)" : row.string("transaction_id") ?? "op-\(id)"
            buffer +=
                "\(row.string("reference") ?? ""),\(transactionId),\(amount.contains(".") && amount.split(separator: ".")[1].count == 1 ? amount + "0" : amount)\n"
            if buffer.utf8.count > 1 << 20 {
                file.write(Data(buffer.utf8))
                buffer = ""
            }
        }
        file.write(Data(buffer.utf8))
    }
}
