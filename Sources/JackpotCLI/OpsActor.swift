import Foundation

extension CommandContext {
    /// Who runs an ops command, for the trail: the person behind `sudo` first,
    /// since `sudo -u jackpotd jackpotd retry …` is how ops usually act.
    var actor: String {
        for key in ["SUDO_USER", "USER"] {
            if let name = environment[key], !name.isEmpty { return name }
        }
        return "uid \(getuid())"
    }
}
