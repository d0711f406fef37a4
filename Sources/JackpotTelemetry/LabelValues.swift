/// Every label value the registry's series use, each stored once and named by
/// a small number. With ten thousand operators each operator's name is in a
/// dozen series; as numbers, a series is one dictionary slot and no allocation
/// of its own, which is most of what an idle daemon holds (a label set of
/// strings per series cost some 130 bytes, 16 MB for 10 000 operators).
///
/// Values are counted by use, so a value no series holds any more (an operator
/// gone from the config, a refusal's error code) is dropped and its number reused.
struct LabelValues: Sendable {
    private var values: [String] = []
    private var uses: [Int] = []
    private var numbers: [String: UInt32] = [:]
    private var unused: [UInt32] = []

    subscript(number: UInt32) -> String { values[Int(number)] }

    /// The number of `value`, when some series holds it.
    func number(of value: String) -> UInt32? { numbers[value] }

    /// The number of `value` for one more series that holds it.
    mutating func retain(_ value: String) -> UInt32 {
        if let number = numbers[value] {
            uses[Int(number)] += 1
            return number
        }
        let number: UInt32
        if let free = unused.popLast() {
            number = free
            values[Int(number)] = value
            uses[Int(number)] = 1
        } else {
            number = UInt32(values.count)
            values.append(value)
            uses.append(1)
        }
        numbers[value] = number
        return number
    }

    /// One series less holds the value numbered `number`.
    mutating func release(_ number: UInt32) {
        uses[Int(number)] -= 1
        guard uses[Int(number)] == 0 else { return }
        numbers[values[Int(number)]] = nil
        values[Int(number)] = ""
        unused.append(number)
    }
}

/// One series of a family: its label values as `LabelValues` numbers, in the
/// order of the family's label names, packed in 8 bytes: a series costs its
/// dictionary slot and no allocation of its own. Hence at most two labels per
/// family (`MetricsRegistry.maximumLabels`; every family the daemon exports fits).
struct SeriesKey: Sendable, Hashable {
    private let packed: UInt64

    init(_ numbers: [UInt32]) {
        precondition(numbers.count <= MetricsRegistry.maximumLabels)
        packed = numbers.enumerated().reduce(0) { $0 | UInt64($1.element) << (32 * $1.offset) }
    }

    /// The number of the `position`th label's value.
    subscript(position: Int) -> UInt32 { UInt32(truncatingIfNeeded: packed >> (32 * position)) }
}
