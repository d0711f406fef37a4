/// jackpotd's release version, shown by `jackpotd --version` and `status --json`.
/// (The User-Agent keeps its major version only, so an operator's allow-list
/// does not break on every release.)
package enum ProductVersion {
    package static let current = "1.1.0"
}
