import Foundation
import JackpotStore

/// What the figures were measured on; printed with them because they only mean
/// something next to the machine.
struct Machine: Sendable {
    var processors: Int
    var cpuModel: String
    var loadAverage: String
    var sqliteVersion: String

    static func current() -> Machine {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model =
            cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }
            .flatMap { $0.split(separator: ":", maxSplits: 1).last }
            .map { $0.trimmingCharacters(in: .whitespaces) } ?? "unknown"
        let load = ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "")
            .split(separator: " ").prefix(3).joined(separator: " ")
        let version = (try? Database(path: ":memory:").queryScalar("SELECT sqlite_version()").textValue) ?? nil
        return Machine(
            processors: ProcessInfo.processInfo.activeProcessorCount, cpuModel: model, loadAverage: load,
            sqliteVersion: version ?? "unknown")
    }
}
