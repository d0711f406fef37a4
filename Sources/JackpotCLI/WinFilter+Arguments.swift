import JackpotConfiguration
import JackpotDelivery
import JackpotStore
import JackpotTelemetry
import JackpotWire
import OperatorSimulator
extension WinFilter {
    /// The filter options `list` and `export` share: `--state`, `--operator`,
    /// `--user` and `--since` (counted back from `now`). A command that does
    /// not declare an option never sees it, so it stays unset.
    init(_ arguments: ParsedArguments, now: Int64 = WallClock.nowMilliseconds()) throws(UsageError) {
        self.init(
            state: try arguments.state("--state"),
            operatorName: arguments.value("--operator"),
            userId: arguments.value("--user"),
            createdSince: try arguments.duration("--since").map { now - Int64($0 * 1000) })
    }
}
