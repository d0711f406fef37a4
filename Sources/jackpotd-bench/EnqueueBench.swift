import Foundation
import JackpotStore
import JackpotWire
import OperatorSimulator

/// Enqueue throughput (library batch and the CLI's JSON Lines path) and the
/// latency of one durable single-win enqueue.
struct EnqueueBench {
    let options: BenchOptions
    let scratch: ScratchDirectory

    func run() async throws -> [Figure] {
        let rawRate = try rawInsertRate()
        let libraryRate = try libraryRate()
        let cliRate = try cliRate()
        let (single, floor) = try singleWinLatency()
        let rawName = "plain SQL INSERTs, same rows and commits"
        return [
            Figure(
                "enqueue, library batch (\(options.batchWins) wins)", value: libraryRate, unit: "wins/s",
                baselineName: rawName, baseline: rawRate, ratio: libraryRate / rawRate,
                target: "≥ 100000 wins/s", met: libraryRate >= 100_000),
            Figure(
                "enqueue, CLI JSON Lines (\(options.cliLines) lines)", value: cliRate, unit: "wins/s",
                baselineName: "library batch", baseline: libraryRate, ratio: cliRate / libraryRate,
                target: "≥ 100000 wins/s", met: cliRate >= 100_000),
            Figure(
                "enqueue, one win per commit, p50", value: Measurements.percentile(single, 0.5), unit: "ms",
                baselineName: "4 KiB append + fdatasync, p50", baseline: Measurements.percentile(floor, 0.5),
                ratio: Measurements.percentile(single, 0.5) / Measurements.percentile(floor, 0.5),
                target: "≤ 2 ms", met: Measurements.percentile(single, 0.5) <= 2),
            Figure(
                "enqueue, one win per commit, p99", value: Measurements.percentile(single, 0.99), unit: "ms",
                baselineName: "4 KiB append + fdatasync, p99", baseline: Measurements.percentile(floor, 0.99)),
        ]
    }

    private func wins(_ count: Int, prefix: String) -> [NewWin] {
        SampleWins.make(count: count, operator: "casino-a", prefix: prefix, now: WallClock.nowMilliseconds())
    }

    /// `Outbox.enqueue` of the whole batch (it commits every `enqueueChunkSize` wins), as
    /// `enqueue --config` calls it.
    private func libraryRate() throws -> Double {
        let directory = try scratch.subdirectory("enqueue-library")
        let outbox = try Outbox(path: directory + "/outbox.sqlite3")
        let batch = wins(options.batchWins, prefix: "lib-")
        let (results, elapsed) = try timed { try outbox.enqueue(batch, operatorsChecked: true) }
        guard results.allSatisfy({ $0 == .accepted }) else { throw BenchFailure("library enqueue did not accept every win") }
        return Double(batch.count) / elapsed.seconds
    }

    /// The floor for the library figure: the same INSERT statement, the same
    /// commits, no result handling.
    private func rawInsertRate() throws -> Double {
        let directory = try scratch.subdirectory("enqueue-raw")
        let database = try Outbox(path: directory + "/outbox.sqlite3").database
        let batch = wins(options.batchWins, prefix: "raw-")
        let now = WallClock.nowMilliseconds()
        let (_, elapsed) = try timed {
            var start = 0
            while start < batch.count {
                let chunk = batch[start..<min(start + Outbox.enqueueChunkSize, batch.count)]
                try database.transaction {
                    for newWin in chunk {
                        let win = newWin.win
                        try database.execute(
                            """
                            INSERT INTO wins (reference, operator, user_id, game_id, round_id, amount, jackpot_id, timestamp,
                                              platform, token, next_attempt_at, created_at, updated_at, validated)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)
                            """,
                            [
                                .text(win.reference), .text(win.operatorName), .text(win.userId), .text(win.gameId),
                                .text(win.roundId), .text(win.amount.canonical), .text(win.jackpotId), .text(win.timestamp),
                                SQLValue(win.platform), SQLValue(win.token), .integer(now), .integer(now), .integer(now),
                            ])
                    }
                }
                start += chunk.count
            }
        }
        return Double(batch.count) / elapsed.seconds
    }

    /// `jackpotd enqueue --file` as a child process, process start to exit.
    private func cliRate() throws -> Double {
        let directory = try scratch.subdirectory("enqueue-cli")
        let server = try ScriptedOperator(secret: "unused")
        defer { server.stop() }
        let operatorConfig = BenchOperator.config(name: "casino-a", server: server, secret: "bench-secret-a", concurrency: 4)
        let config = try ConfigFile.write(
            BenchOperator.daemonConfig(database: directory + "/outbox.sqlite3", operators: [operatorConfig]), in: directory)
        let lines = wins(options.cliLines, prefix: "cli-").map { SampleWins.jsonLine($0.win) }
        let input = directory + "/wins.jsonl"
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: input))
        let (status, elapsed) = try timed {
            let child = try JackpotdChild(
                ["enqueue", "--create", "--config", config, "--file", input, "--json"],
                logPath: directory + "/stderr.log", outputPath: directory + "/stdout.json")
            return child.waitForExit()
        }
        let output = (try? String(contentsOfFile: directory + "/stdout.json", encoding: .utf8)) ?? ""
        guard status == 0, output.contains("\"accepted\":\(lines.count)") else {
            let log = (try? String(contentsOfFile: directory + "/stderr.log", encoding: .utf8)) ?? ""
            throw BenchFailure("jackpotd enqueue exited \(status): \(output) \(log.prefix(500))")
        }
        return Double(lines.count) / elapsed.seconds
    }

    /// One `enqueue([win])` per call, each an fsynced commit; and the disk's floor
    /// for the same: appending 4 KiB and fdatasync, in the same directory.
    private func singleWinLatency() throws -> (enqueue: [Double], floor: [Double]) {
        let directory = try scratch.subdirectory("enqueue-single")
        let outbox = try Outbox(path: directory + "/outbox.sqlite3")
        var latencies: [Double] = []
        for newWin in wins(options.singleEnqueues, prefix: "single-") {
            let (results, elapsed) = try timed { try outbox.enqueue([newWin]) }
            guard results == [.accepted] else { throw BenchFailure("single enqueue was not accepted: \(results)") }
            latencies.append(elapsed.milliseconds)
        }
        let descriptor = open(directory + "/floor.bin", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw BenchFailure("cannot create \(directory)/floor.bin") }
        defer { close(descriptor) }
        let page = [UInt8](repeating: 0x5A, count: 4096)
        var floor: [Double] = []
        for _ in 0..<options.singleEnqueues {
            let (_, elapsed) = timed {
                _ = page.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
                _ = fdatasync(descriptor)
            }
            floor.append(elapsed.milliseconds)
        }
        return (latencies, floor)
    }
}
