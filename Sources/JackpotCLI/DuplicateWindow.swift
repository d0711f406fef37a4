import JackpotConfiguration

/// Each operator's duplicateWindowHours, for `retry` and `status`: past it the
/// wallet may have forgotten a reference, so sending the win again may pay twice.
/// Without a config (`--db` alone) every operator has the default.
struct DuplicateWindow {
    private let hours: [String: Double]

    init(config: JackpotConfig?) {
        hours = config?.operators.mapValues(\.duplicateWindowHours) ?? [:]
    }

    init(outline: ConfigOutline?) {
        hours = outline?.duplicateWindowHours ?? [:]
    }

    func hours(_ operatorName: String) -> Double { hours[operatorName] ?? OperatorConfig.defaultDuplicateWindowHours }

    /// Calls made before this time are outside the window.
    func cutoff(_ operatorName: String, now: Int64) -> Int64 {
        now - Int64(hours(operatorName) * 3_600_000)
    }

    /// `72h`, the operator's window as written in the config.
    func text(_ operatorName: String) -> String {
        let value = hours(operatorName)
        return (value == value.rounded() ? String(Int(value)) : String(value)) + "h"
    }

    func explanation(_ operatorName: String) -> String {
        "\(operatorName)'s duplicateWindowHours: its wallet may have forgotten the reference and credit it again. "
            + "Reconcile first (jackpotd reconcile \(operatorName) --file REPORT --apply settles what the operator credited), "
            + "then retry with --force"
    }
}
