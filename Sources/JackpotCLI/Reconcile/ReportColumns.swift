import JackpotConfiguration
/// Which of the report's columns (CSV header names, or JSON Lines keys) hold
/// the fields reconcile reads. Operators name them their own way; `--columns
/// reference=ref,transactionId=txid` maps ours to theirs.
struct ReportColumns: Sendable, Hashable {
    static let fields = ["reference", "transactionId", "amount", "currency", "creditedAt"]
    static let required = ["reference", "transactionId"]

    /// Our field name → the report's column name.
    private(set) var names: [String: String]

    init() {
        names = Dictionary(uniqueKeysWithValues: Self.fields.map { ($0, $0) })
    }

    /// Parses `--columns reference=ref,transactionId=txid`.
    init(mapping text: String) throws(UsageError) {
        self.init()
        var mapped: Set<String> = []
        for pair in text.split(separator: ",", omittingEmptySubsequences: false) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw UsageError(
                    "--columns takes FIELD=COLUMN pairs separated by commas (e.g. reference=ref,transactionId=txid), got \"\(pair)\""
                )
            }
            let field = String(parts[0])
            guard Self.fields.contains(field) else {
                let close = Suggestion.closest(to: field, among: Self.fields)
                throw UsageError(
                    "--columns: unknown field \"\(field)\"" + (close.map { " (did you mean \($0)?)" } ?? "")
                        + "; fields are \(Self.fields.joined(separator: ", "))")
            }
            guard mapped.insert(field).inserted else { throw UsageError("--columns: \(field) mapped twice") }
            names[field] = String(parts[1])
        }
    }

    func column(_ field: String) -> String { names[field]! }
}
