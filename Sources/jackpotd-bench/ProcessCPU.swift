import Foundation
import JackpotCLI
import JackpotConfiguration
import JackpotDelivery
import JackpotStore
import JackpotTelemetry
import JackpotWire
import OperatorSimulator

/// CPU time (user + system) this process has used: everything in the bench's
/// process, i.e. the client under test and the loopback operator serving it.
/// On a machine with few cores the throughput figures are bounded by this.
enum ProcessCPU {
    static func now() -> Duration {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func duration(_ time: timeval) -> Duration { .seconds(time.tv_sec) + .microseconds(time.tv_usec) }
        return duration(usage.ru_utime) + duration(usage.ru_stime)
    }

    /// Runs `body`; returns its value and the wall and CPU time it took.
    static func measure<T>(_ body: () async throws -> T) async rethrows -> (T, wall: Duration, cpu: Duration) {
        let cpuStart = now()
        let start = ContinuousClock.now
        let value = try await body()
        return (value, ContinuousClock.now - start, now() - cpuStart)
    }
}
