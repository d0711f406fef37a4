import Foundation

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

    /// CPU time of this process's children that have exited and been waited for.
    static func exitedChildren() -> Duration {
        var usage = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &usage)
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

    /// CPU time process `pid` has used (user + system, from /proc/PID/stat, in clock ticks of 10 ms); nil once it is gone.
    static func of(pid: Int32) -> Duration? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let nameEnd = stat.lastIndex(of: ")")
        else { return nil }
        // After "pid (comm)": state is field 3, utime field 14, stime field 15.
        let fields = stat[stat.index(after: nameEnd)...].split(separator: " ")
        guard fields.count > 12, let user = Int64(fields[11]), let system = Int64(fields[12]) else { return nil }
        let ticksPerSecond = Int64(sysconf(Int32(_SC_CLK_TCK)))
        return .milliseconds((user + system) * 1000 / ticksPerSecond)
    }
}
