import Foundation
import JackpotCLI
import JackpotStore
import JackpotWire
import OperatorSimulator

/// How the outbox scales: claim cost and `status` at 10 000 and at a million
/// rows, and the resident memory of an idle daemon on each.
struct LargeOutboxBench {
    let options: BenchOptions
    let scratch: ScratchDirectory

    struct Sample {
        var rows: Int
        var buildSeconds: Double
        /// Mean time of one claim statement (16 wins), rolled back after.
        var claimMs: Double
        var claimP99Ms: Double
        /// The same after `OutboxBuilder.scatterDueTimes`.
        var scatteredClaimMs: Double
        /// Median `Outbox.statusSnapshot` on a fresh connection.
        var statusMs: Double
        /// Median in-process `jackpotd status --json` (open, snapshot, render).
        var statusCommandMs: Double
        var idleMemory: JackpotdChild.Memory
        /// Daemon start until its first pass over the rows (validation) finished.
        var settleSeconds: Double
    }

    func run() async throws -> [Figure] {
        let small = try await measure(rows: options.smallOutboxRows)
        let large = try await measure(rows: options.largeOutboxRows)
        let rows = { (count: Int) in count >= 1_000_000 && count % 1_000_000 == 0 ? "\(count / 1_000_000)M" : "\(count / 1000)k" }
        let smallName = "\(rows(small.rows)) rows"
        let claimRatio = large.claimMs / small.claimMs
        return [
            Figure(
                "claim 16 wins, \(rows(large.rows)) rows (mean)", value: large.claimMs, unit: "ms",
                baselineName: smallName, baseline: small.claimMs, ratio: claimRatio,
                target: "ratio ≤ 1.5", met: claimRatio <= 1.5),
            Figure(
                "  claim 16 wins, p99", value: large.claimP99Ms, unit: "ms",
                baselineName: smallName, baseline: small.claimP99Ms, ratio: large.claimP99Ms / small.claimP99Ms),
            Figure(
                "  claim 16 wins, due order scattered (mean)", value: large.scatteredClaimMs, unit: "ms",
                baselineName: smallName, baseline: small.scatteredClaimMs, ratio: large.scatteredClaimMs / small.scatteredClaimMs),
            Figure(
                "statusSnapshot, \(rows(large.rows)) rows (median)", value: large.statusMs, unit: "ms",
                baselineName: smallName, baseline: small.statusMs, ratio: large.statusMs / small.statusMs,
                target: "≤ 100 ms", met: large.statusMs <= 100),
            Figure(
                "  jackpotd status --json in-process", value: large.statusCommandMs, unit: "ms",
                baselineName: smallName, baseline: small.statusCommandMs, ratio: large.statusCommandMs / small.statusCommandMs),
            Figure(
                "daemon RSS idle, \(rows(large.rows)) rows", value: mb(large.idleMemory.resident), unit: "MB",
                baselineName: smallName, baseline: mb(small.idleMemory.resident),
                ratio: mb(large.idleMemory.resident) / mb(small.idleMemory.resident),
                target: "≤ 40 MB", met: mb(large.idleMemory.resident) <= 40),
            Figure(
                "  of which anonymous (RssAnon)", value: mb(large.idleMemory.anonymous), unit: "MB",
                baselineName: smallName, baseline: mb(small.idleMemory.anonymous)),
            Figure(
                "  of which mapped files (RssFile)", value: mb(large.idleMemory.file), unit: "MB",
                baselineName: smallName, baseline: mb(small.idleMemory.file)),
            Figure(
                "  peak RSS (VmHWM)", value: mb(large.idleMemory.peak), unit: "MB",
                baselineName: smallName, baseline: mb(small.idleMemory.peak)),
            Figure(
                "  daemon start → first pass over rows done", value: large.settleSeconds * 1000, unit: "ms",
                baselineName: smallName, baseline: small.settleSeconds * 1000),
            Figure(
                "  outbox built with SQL (one transaction)", value: large.buildSeconds * 1000, unit: "ms",
                baselineName: smallName, baseline: small.buildSeconds * 1000),
        ]
    }

    private func mb(_ kilobytes: Int) -> Double { Double(kilobytes) / 1024 }

    private func measure(rows: Int) async throws -> Sample {
        let directory = try scratch.subdirectory("outbox-\(rows)")
        let path = directory + "/outbox.sqlite3"
        let now = WallClock.nowMilliseconds()
        let (_, build) = try timed { try OutboxBuilder.build(path: path, rows: rows, now: now) }
        let claims = try claimTimes(path: path, now: now)
        try OutboxBuilder.scatterDueTimes(path: path, now: now)
        let scatteredClaims = try claimTimes(path: path, now: now)
        let status = try statusTimes(path: path)
        let command = await statusCommandTimes(path: path)
        let memory = try await idleDaemonMemory(directory: directory, path: path)
        return Sample(
            rows: rows, buildSeconds: build.seconds, claimMs: Measurements.mean(claims),
            claimP99Ms: Measurements.percentile(claims, 0.99), scatteredClaimMs: Measurements.mean(scatteredClaims),
            statusMs: Measurements.median(status),
            statusCommandMs: Measurements.median(command), idleMemory: memory.idle, settleSeconds: memory.settle)
    }

    /// The claim statement alone, inside a transaction that is rolled back
    /// afterwards, so every run claims from the same outbox. A claim `now` a
    /// day ahead makes the pending wins due.
    private func claimTimes(path: String, now: Int64) throws -> [Double] {
        let outbox = try Outbox(path: path)
        let database = outbox.database
        let later = now + 86_400_000
        var times: [Double] = []
        for run in 0..<(options.claimRuns + 50) {
            try database.execute("BEGIN IMMEDIATE")
            let (claimed, elapsed) = try timed {
                try outbox.claim(
                    operator: "casino-a", limit: 16, owner: "bench:1:claim", leaseExpiresAt: later + 60_000, now: later)
            }
            try database.execute("ROLLBACK")
            guard claimed.count == 16 else { throw BenchFailure("claim returned \(claimed.count) wins, expected 16") }
            if run >= 50 { times.append(elapsed.milliseconds) }  // the first runs warm the page cache
        }
        return times
    }

    /// `statusSnapshot` on a new connection each time, as every `jackpotd status` opens one.
    private func statusTimes(path: String) throws -> [Double] {
        var times: [Double] = []
        for _ in 0..<options.statusRuns {
            let outbox = try Outbox(path: path)
            let (snapshot, elapsed) = try timed { try outbox.statusSnapshot(now: WallClock.nowMilliseconds()) }
            guard snapshot.total(.delivered) > 0 else { throw BenchFailure("status saw no delivered wins") }
            times.append(elapsed.milliseconds)
        }
        return times
    }

    private func statusCommandTimes(path: String) async -> [Double] {
        var times: [Double] = []
        for _ in 0..<options.statusRuns {
            let context = CommandContext(output: .capturing(), errors: .capturing(), environment: [:])
            let (code, elapsed) = await timedAsync {
                await CommandLineTool.run(["status", "--db", path, "--json"], context: context)
            }
            if code == .success { times.append(elapsed.milliseconds) }
        }
        return times
    }

    /// `jackpotd run` as a child process on the outbox, nothing due. Waits until
    /// its first pass over the rows is done and a metrics file was written while
    /// idle, then reads VmRSS (and VmHWM) from /proc.
    private func idleDaemonMemory(directory: String, path: String) async throws -> (idle: JackpotdChild.Memory, settle: Double) {
        let server = try ScriptedOperator(secret: "bench-secret")
        defer { server.stop() }
        let operators = OutboxBuilder.operators.map {
            BenchOperator.config(name: $0, server: server, secret: "bench-secret", concurrency: 4)
        }
        let config = try ConfigFile.write(BenchOperator.daemonConfig(database: path, operators: operators), in: directory)
        let reader = try Outbox(path: path)
        let metrics = directory + "/metrics.prom"
        let start = ContinuousClock.now
        let child = try JackpotdChild(["run", "--config", config, "--metrics-file", metrics], logPath: directory + "/daemon.log")
        var settled: Duration?
        while settled == nil, ContinuousClock.now - start < .seconds(180) {
            let unvalidated = try reader.database.queryScalar("SELECT count(*) FROM wins WHERE validated = 0").integerValue
            if unvalidated == 0 { settled = ContinuousClock.now - start }
            try await Task.sleep(for: .milliseconds(20))
        }
        guard let settled else { throw BenchFailure("the daemon did not finish its first pass over \(path)") }
        // Idle for longer than one metrics interval (5 s): a status snapshot ran while idle.
        try await Task.sleep(for: .seconds(6))
        guard FileManager.default.fileExists(atPath: metrics), let memory = child.memory() else {
            throw BenchFailure("the daemon wrote no metrics or exited; log: \(directory)/daemon.log")
        }
        let requests = server.snapshot.requests
        child.process.terminate()
        let status = child.waitForExit()
        guard status == 0, requests == 0 else {
            throw BenchFailure("idle daemon: exit \(status), \(requests) calls made (expected none)")
        }
        return (memory, settled.seconds)
    }
}
