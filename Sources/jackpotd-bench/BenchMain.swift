import Foundation

/// `jackpotd-bench [--quick] [--json] [--only NAMES] [--keep] [--backlog-wins N]`: runs the
/// measurements in turn and prints the report. Progress goes to stderr so
/// `--json` output stays clean. `jackpotd-bench jackpotd ARGS…` is the
/// `jackpotd` command line, for the bench's own child processes.
@main
struct BenchMain {
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.first == JackpotdChild.modeArgument {
            await JackpotdChild.runAsJackpotd(Array(arguments.dropFirst()))
        }
        let options: BenchOptions
        switch BenchOptions.parse(arguments) {
        case .success(let parsed):
            options = parsed
        case .failure(let problem):
            if let message = problem.message {
                FileHandle.standardError.write(Data("jackpotd-bench: error: \(message)\n\(BenchOptions.usage)".utf8))
                exit(2)
            }
            print(BenchOptions.usage, terminator: "")
            exit(0)
        }
        signal(SIGPIPE, SIG_IGN)
        do {
            let scratch = try ScratchDirectory()
            defer { if !options.keep { scratch.remove() } }
            let machine = Machine.current()
            let started = ContinuousClock.now
            var figures: [Figure] = []
            func step(_ name: String, _ body: () async throws -> [Figure]) async throws {
                guard options.runs(name) else { return }
                progress("\(name)…")
                let start = ContinuousClock.now
                figures += try await body()
                let elapsed = ContinuousClock.now - start
                progress("\(name): done in \(BenchReport.format(elapsed.seconds)) s")
            }
            try await step("dispatch") { try await DispatchThroughputBench(options: options, scratch: scratch).run() }
            try await step("dispatcher-cost") { try await DispatcherCostBench(options: options, scratch: scratch).run() }
            try await step("enqueue") { try await EnqueueBench(options: options, scratch: scratch).run() }
            try await step("first-attempt") { try await FirstAttemptBench(options: options, scratch: scratch).run() }
            try await step("outbox") { try await LargeOutboxBench(options: options, scratch: scratch).run() }
            try await step("reconcile") { try await ReconcileBench(options: options, scratch: scratch).run() }
            try await step("neighbour") { try await HangingNeighbourBench(options: options, scratch: scratch).run() }
            try await step("hanging") { try await HangingCallsCPUBench(options: options, scratch: scratch).run() }
            try await step("ingest") { try await IngestBench(options: options, scratch: scratch).run() }
            try await step("ingest-clients") { try IngestBench(options: options, scratch: scratch).runClients() }
            try await step("big-answers") { try await BigAnswerBench(options: options, scratch: scratch).run() }
            try await step("https") { try await HTTPSDispatchBench(options: options, scratch: scratch).run() }
            try await step("many-operators") { try await ManyOperatorsBench(options: options, scratch: scratch).run() }
            try await step("many-configured") { try await ManyConfiguredBench(options: options, scratch: scratch).run() }
            try await step("backlog") { try await BacklogDrainBench(options: options, scratch: scratch).run() }
            let elapsed = ContinuousClock.now - started
            if options.keep { progress("kept \(scratch.path)") }
            print(
                options.json
                    ? BenchReport.json(figures, machine: machine, options: options, elapsed: elapsed)
                    : BenchReport.table(figures, machine: machine, options: options, elapsed: elapsed),
                terminator: options.json ? "\n" : "")
        } catch {
            FileHandle.standardError.write(Data("jackpotd-bench: error: \(error)\n".utf8))
            exit(1)
        }
    }

    static func progress(_ message: String) {
        FileHandle.standardError.write(Data("jackpotd-bench: \(message)\n".utf8))
    }
}
