/// "Did you mean …?" for config keys, CLI options and enqueue fields.
package enum Suggestion {
    /// The known key a typo most likely meant: at most two edits away ignoring
    /// case (one for very short keys), or the key with its unit suffix left off
    /// (`timeout` for `timeoutSeconds`, `--fil` for `--file`).
    package static func closest(to key: String, among known: [String]) -> String? {
        let lowered = key.lowercased()
        var best: (key: String, distance: Int)?
        for candidate in known {
            let distance = editDistance(lowered, candidate.lowercased())
            if distance < (best?.distance ?? Int.max) { best = (candidate, distance) }
        }
        if let best, best.distance <= (key.count <= 4 ? 1 : 2) { return best.key }
        guard key.count >= 4 else { return nil }
        return known.first { $0.lowercased().hasPrefix(lowered) }
    }

    /// Edits between `a` and `b`, a swap of two neighbours counting as one
    /// (`lsit` is one slip from `list`, not two).
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var beforePrevious = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], beforePrevious[j - 2] + 1)
                }
            }
            (beforePrevious, previous, current) = (previous, current, beforePrevious)
        }
        return previous[b.count]
    }
}
