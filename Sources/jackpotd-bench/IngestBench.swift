import BenchMicroHTTPD
import Dispatch
import Foundation
import JackpotConfiguration
import JackpotIngest
import JackpotStore
import JackpotTelemetry
import JackpotWire
import OperatorSimulator
import Synchronization

/// The HTTP ingest listener, in process on a fresh outbox, against baselines
/// measured in the same run: a batch posted as JSON Lines against
/// `jackpotd enqueue --file` of the same lines; 64 clients posting one win each
/// at once (group commit) against the same wins committed one fsync each, with
/// the ceiling libmicrohttpd itself allows those clients on this machine; and
/// delivery to a healthy operator while ingest runs at 5 000 wins/s against
/// delivery alone.
struct IngestBench {
    let options: BenchOptions
    let scratch: ScratchDirectory
    static let token = "bench-ingest-token-0123456789"
    static let clients = 64

    /// The batch and the delivery beside ingest (`ingest`).
    func run() async throws -> [Figure] {
        let (httpRate, cliRate) = try await batchRates()
        let (alone, beside, ingestRate) = try await deliveryRates()
        return [
            Figure(
                "ingest, JSON Lines over HTTP (\(options.cliLines) lines, 10000 a request)", value: httpRate, unit: "wins/s",
                baselineName: "jackpotd enqueue --file, same lines", baseline: cliRate, ratio: httpRate / cliRate,
                target: "ratio ≥ 0.50", met: httpRate / cliRate >= 0.5),
            Figure(
                "delivery while ingest runs (\(options.dispatchWins) wins)", value: beside, unit: "wins/s",
                baselineName: "delivery alone", baseline: alone, ratio: beside / alone,
                target: "ratio ≥ 0.80", met: beside / alone >= 0.8),
            Figure("  ingest rate achieved beside delivery", value: ingestRate, unit: "wins/s", target: "≈ 5000"),
        ]
    }

    /// 64 clients posting one win each, its baseline and its ceiling (`ingest-clients`).
    func runClients() throws -> [Figure] {
        let concurrent = try concurrentRun()
        let ceiling = try bareCeilingRun()
        let singleRate = try oneFsyncEachRate(count: concurrent.wins)
        let p99 = Measurements.percentile(concurrent.latencies, 0.99)
        let ratio = concurrent.rate / singleRate
        let ceilingRatio = ceiling.rate / singleRate
        return [
            Figure(
                "ingest, \(Self.clients) clients posting one win each", value: concurrent.rate, unit: "wins/s",
                baselineName: "same wins, one fsync each", baseline: singleRate, ratio: ratio,
                target: ceilingRatio < 10 ? "ratio ≥ 10; ceiling below it" : "ratio ≥ 10", met: ratio >= 10),
            Figure(
                "  ceiling: bare libmicrohttpd answering a fixed 201, same clients", value: ceiling.rate, unit: "wins/s",
                baselineName: "same wins, one fsync each", baseline: singleRate, ratio: ceilingRatio),
            Figure(
                "  listener against the ceiling", value: concurrent.rate, unit: "wins/s",
                baselineName: "bare libmicrohttpd", baseline: ceiling.rate, ratio: concurrent.rate / ceiling.rate),
            Figure(
                "  latency of one win among \(Self.clients) clients, p99", value: p99, unit: "ms",
                baselineName: "p50", baseline: Measurements.percentile(concurrent.latencies, 0.5),
                target: "≤ 10 ms", met: p99 <= 10),
            Figure("  commits (fsyncs) for \(concurrent.wins) wins", value: Double(concurrent.commits), unit: "commits"),
            Figure(
                "  writer busy (storing, committing, answering), share of the run",
                value: concurrent.writerBusy.seconds / (Double(concurrent.wins) / concurrent.rate) * 100, unit: "%"),
            Figure(
                "  writer busy per win (its one thread: the bound when near 100 %)",
                value: concurrent.writerBusy.seconds / Double(concurrent.wins) * 1_000_000, unit: "µs"),
            Figure(
                "  CPU per win, clients + listener + writer", value: concurrent.cpuPerWin * 1_000_000, unit: "µs",
                baselineName: "clients + bare libmicrohttpd", baseline: ceiling.cpuPerWin * 1_000_000,
                ratio: concurrent.cpuPerWin / ceiling.cpuPerWin),
        ]
    }

    private func listener(database: String, operators: [String], maxConnections: Int = 256) throws -> (IngestServer, Int) {
        var config = JackpotConfig(
            database: database, providerId: BenchOperator.providerId,
            operators: Dictionary(
                uniqueKeysWithValues: operators.map {
                    ($0, OperatorConfig(name: $0, url: "http://127.0.0.1:9/", secret: "unused"))
                }))
        var ingest = IngestConfig(
            listen: .inet(host: "127.0.0.1", port: 0), tokens: [IngestToken(name: "bench", token: Self.token)])
        ingest.limits.maxConnections = maxConnections
        config.ingest = ingest
        let server = try IngestServer(
            config: config, ingest: ingest, databasePath: database, logger: .bench, metrics: MetricsRegistry(),
            metricsPage: { _ in [] })
        guard let port = server.boundAddress.split(separator: ":").last.flatMap({ Int($0) }) else {
            throw BenchFailure("no port in \(server.boundAddress)")
        }
        return (server, port)
    }

    /// The same lines through HTTP (requests of 10 000 lines, one connection) and through the CLI.
    private func batchRates() async throws -> (http: Double, cli: Double) {
        let directory = try scratch.subdirectory("ingest-batch")
        let wins = SampleWins.make(count: options.cliLines, operator: "casino-a", prefix: "ib-", now: WallClock.nowMilliseconds())
        let lines = wins.map { SampleWins.jsonLine($0.win) }

        let input = directory + "/wins.jsonl"
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: input))
        let server = try ScriptedOperator(secret: "unused")
        defer { server.stop() }
        let config = try ConfigFile.write(
            BenchOperator.daemonConfig(
                database: directory + "/cli.sqlite3",
                operators: [BenchOperator.config(name: "casino-a", server: server, secret: "bench-secret-a", concurrency: 4)]),
            in: directory)
        let (status, cliElapsed) = try timed {
            try JackpotdChild(
                ["enqueue", "--create", "--config", config, "--file", input, "--json"],
                logPath: directory + "/stderr.log", outputPath: directory + "/stdout.json"
            ).waitForExit()
        }
        guard status == 0 else { throw BenchFailure("jackpotd enqueue exited \(status); see \(directory)/stderr.log") }

        let (listener, port) = try listener(database: directory + "/http.sqlite3", operators: ["casino-a"])
        defer { listener.stop(graceSeconds: 5) }
        let bodies = stride(from: 0, to: lines.count, by: 10_000).map {
            Array(lines[$0..<min($0 + 10_000, lines.count)].joined(separator: "\n").utf8)
        }
        let client = try KeepAliveHTTPClient(port: port)
        let (accepted, httpElapsed) = try timed {
            var accepted = 0
            for body in bodies {
                let answer = try client.post("/v1/wins", token: Self.token, contentType: "application/x-ndjson", body: body)
                guard answer.status == 200, case .number(let count)? = try JSONValue.parse(answer.body).objectValue?["accepted"]
                else { throw BenchFailure("batch answered \(answer.status)") }
                accepted += Int(count) ?? 0
            }
            return accepted
        }
        guard accepted == lines.count else { throw BenchFailure("HTTP batch accepted \(accepted) of \(lines.count)") }
        return (Double(lines.count) / httpElapsed.seconds, Double(lines.count) / cliElapsed.seconds)
    }

    struct ConcurrentRun {
        var wins: Int
        var rate: Double
        var latencies: [Double]
        /// Transactions the listener's writer committed (0 for the bare server).
        var commits: Int
        /// Time the listener's writer spent on its cycles (zero for the bare server).
        var writerBusy: Duration
        /// CPU of the whole process (clients, listener and writer) per win, in seconds.
        var cpuPerWin: Double
    }

    /// The listener on a fresh outbox, driven by `drive`.
    private func concurrentRun() throws -> ConcurrentRun {
        let directory = try scratch.subdirectory("ingest-concurrent")
        let (listener, port) = try listener(database: directory + "/outbox.sqlite3", operators: ["casino-a"])
        defer { listener.stop(graceSeconds: 5) }
        var run = try drive(port: port, prefix: "ic-")
        run.commits = listener.writer.commits
        run.writerBusy = listener.writer.busy
        return run
    }

    /// The same clients and wins against `BareMicroHTTPD`: what the machine allows.
    private func bareCeilingRun() throws -> ConcurrentRun {
        let bare = try BareMicroHTTPD(maxConnections: 256)
        defer { bare.stop() }
        return try drive(port: bare.port, prefix: "ib-")
    }

    /// 64 client threads, each on its own keep-alive connection (as a
    /// platform's HTTP client pool keeps them), post one win at a time, all
    /// starting together, `rounds` wins each (500: long enough that the rate
    /// does not swing with one slow fsync); every answer must be 201.
    private func drive(port: Int, prefix: String) throws -> ConcurrentRun {
        let rounds = options.quick ? 10 : 500
        let wins = SampleWins.make(
            count: Self.clients * rounds, operator: "casino-a", prefix: prefix, now: WallClock.nowMilliseconds())
        let requests = wins.map {
            KeepAliveHTTPClient.post(
                "/v1/wins", token: Self.token, contentType: "application/json", body: Array(SampleWins.jsonLine($0.win).utf8))
        }
        let clients = try (0..<Self.clients).map { _ in try KeepAliveHTTPClient(port: port) }
        let latencies = Mutex<[Double]>([])
        let failures = Mutex<[String]>([])
        let start = DispatchSemaphore(value: 0)
        let done = DispatchGroup()
        for (index, client) in clients.enumerated() {
            done.enter()
            let thread = Thread {
                start.wait()
                var mine: [Double] = []
                for round in 0..<rounds {
                    let request = requests[round * Self.clients + index]
                    do {
                        let (answer, elapsed) = try timed { try client.exchange(request) }
                        if answer.status != 201 { failures.withLock { $0.append("status \(answer.status)") } }
                        mine.append(elapsed.milliseconds)
                    } catch {
                        failures.withLock { $0.append("\(error)") }
                    }
                }
                latencies.withLock { $0 += mine }
                done.leave()
            }
            thread.start()
        }
        let cpuBefore = ProcessCPU.now()
        let began = ContinuousClock.now
        for _ in clients { start.signal() }
        done.wait()
        let elapsed = ContinuousClock.now - began
        let cpu = ProcessCPU.now() - cpuBefore
        if let failure = failures.withLock({ $0.first }) { throw BenchFailure("a concurrent post failed: \(failure)") }
        return ConcurrentRun(
            wins: wins.count, rate: Double(wins.count) / elapsed.seconds, latencies: latencies.withLock { $0 },
            commits: 0, writerBusy: .zero, cpuPerWin: cpu.seconds / Double(wins.count))
    }

    /// The baseline: the same number of wins, each its own `enqueue` call, so one fsync each.
    private func oneFsyncEachRate(count: Int) throws -> Double {
        let directory = try scratch.subdirectory("ingest-single")
        let outbox = try Outbox(path: directory + "/outbox.sqlite3")
        let wins = SampleWins.make(count: count, operator: "casino-a", prefix: "is-", now: WallClock.nowMilliseconds())
        let (_, elapsed) = try timed {
            for win in wins { _ = try outbox.enqueue([win], operatorsChecked: true) }
        }
        return Double(count) / elapsed.seconds
    }

    /// Delivery's steady rate to a healthy operator, alone and while a client
    /// posts 50-win batches every 10 ms for another operator (stored, not
    /// delivered: the dispatcher's config does not name it).
    private func deliveryRates() async throws -> (alone: Double, beside: Double, ingest: Double) {
        var alone: [Double] = []
        var beside: [Double] = []
        var ingestRates: [Double] = []
        for round in 1...options.dispatchRounds {
            alone.append(try await deliveryRate(round: round, withIngest: false).delivery)
            let (rate, ingest) = try await deliveryRate(round: round, withIngest: true)
            beside.append(rate)
            ingestRates.append(ingest)
        }
        return (Measurements.median(alone), Measurements.median(beside), Measurements.median(ingestRates))
    }

    private func deliveryRate(round: Int, withIngest: Bool) async throws -> (delivery: Double, ingest: Double) {
        let directory = try scratch.subdirectory("ingest-delivery-\(withIngest ? "beside" : "alone")-\(round)")
        let database = directory + "/outbox.sqlite3"
        let operatorServer = try ScriptedOperator(secret: "bench-secret-a")
        defer { operatorServer.stop() }
        let operatorConfig = BenchOperator.config(
            name: "casino-a", server: operatorServer, secret: "bench-secret-a", concurrency: options.concurrency)
        let config = BenchOperator.daemonConfig(database: database, operators: [operatorConfig])
        let wins = SampleWins.make(
            count: options.dispatchWins, operator: "casino-a", prefix: "id\(round)-", now: WallClock.nowMilliseconds())
        _ = try Outbox(path: database).enqueue(wins, operatorsChecked: true)
        guard withIngest else {
            return (
                try await DeliveryRun.rates(databasePath: database, config: config, operator: "casino-a", count: wins.count)
                    .steady, 0
            )
        }
        let (listener, port) = try listener(database: database, operators: ["casino-a", "casino-b"])
        let pacer = IngestPacer(port: port, token: Self.token, operatorName: "casino-b", prefix: "ip\(round)-")
        let rates = try await DeliveryRun.rates(databasePath: database, config: config, operator: "casino-a", count: wins.count)
        let ingested = try pacer.stop()
        listener.stop(graceSeconds: 5)
        return (rates.steady, ingested)
    }
}

/// Posts 50 wins every 10 ms (5 000 wins/s) on one keep-alive connection until stopped.
final class IngestPacer: Sendable {
    private let stopping = Atomic<Bool>(false)
    private let result = Mutex<Result<Double, BenchFailure>?>(nil)
    private let finished = DispatchSemaphore(value: 0)

    init(port: Int, token: String, operatorName: String, prefix: String) {
        let thread = Thread { [self] in
            let outcome: Result<Double, BenchFailure>
            do {
                let client = try KeepAliveHTTPClient(port: port)
                let began = ContinuousClock.now
                var sent = 0
                var tick = began
                while !stopping.load(ordering: .relaxed) {
                    let wins = SampleWins.make(
                        count: 50, operator: operatorName, prefix: "\(prefix)\(sent)-", now: WallClock.nowMilliseconds())
                    let body = Array(wins.map { SampleWins.jsonLine($0.win) }.joined(separator: "\n").utf8)
                    let answer = try client.post("/v1/wins", token: token, contentType: "application/x-ndjson", body: body)
                    guard answer.status == 200 else { throw BenchFailure("paced batch answered \(answer.status)") }
                    sent += wins.count
                    tick += .milliseconds(10)
                    let wait = tick - ContinuousClock.now
                    if wait > .zero { Thread.sleep(forTimeInterval: wait.seconds) }
                }
                outcome = .success(Double(sent) / (ContinuousClock.now - began).seconds)
            } catch let failure as BenchFailure {
                outcome = .failure(failure)
            } catch {
                outcome = .failure(BenchFailure("\(error)"))
            }
            result.withLock { $0 = outcome }
            finished.signal()
        }
        thread.start()
    }

    /// Stops and returns the rate achieved.
    func stop() throws -> Double {
        stopping.store(true, ordering: .relaxed)
        finished.wait()
        return try result.withLock { $0! }.get()
    }
}
