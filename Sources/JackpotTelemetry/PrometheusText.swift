/// The Prometheus text exposition format, version 0.0.4: what node_exporter's
/// textfile collector and `promtool check metrics` read.
enum PrometheusText {
    /// How much text `MetricsRegistry.render` gathers before handing it on.
    static let pieceSize = 64 * 1024

    /// Appends `family`'s lines to `output`, handing `output` to `flush` (and
    /// emptying it) whenever it holds `pieceSize` or more.
    static func append(
        name: String, family: MetricFamily, labelValues: LabelValues, to output: inout String, flush: (String) -> Void
    ) {
        guard !family.isEmpty else { return }
        output += "# HELP \(name) \(escapeHelp(family.help))\n"
        output += "# TYPE \(name) \(family.type.rawValue)\n"
        let labels = SeriesLabels(names: family.labelNames, values: labelValues)
        switch family.type {
        case .counter, .gauge:
            for key in family.scalars.keys.sorted(by: labels.precedes) {
                output += name
                labels.append(key, to: &output)
                output += " " + number(family.scalars[key]!) + "\n"
                flushIfFull(&output, flush)
            }
        case .histogram:
            for key in family.histograms.keys.sorted(by: labels.precedes) {
                let histogram = family.histograms[key]!
                var cumulative: UInt64 = 0
                for (slot, bound) in family.bounds.enumerated() {
                    cumulative += histogram.counts[slot]
                    appendBucket(name, labels, key, le: number(bound), cumulative, to: &output)
                }
                appendBucket(name, labels, key, le: "+Inf", histogram.count, to: &output)
                output += name + "_sum"
                labels.append(key, to: &output)
                output += " " + number(histogram.sum) + "\n"
                output += name + "_count"
                labels.append(key, to: &output)
                output += " " + String(histogram.count) + "\n"
                flushIfFull(&output, flush)
            }
        }
    }

    private static func flushIfFull(_ output: inout String, _ flush: (String) -> Void) {
        guard output.utf8.count >= pieceSize else { return }
        flush(output)
        output.removeAll(keepingCapacity: true)
    }

    /// `le` goes last, as the official client libraries write it.
    private static func appendBucket(
        _ name: String, _ labels: SeriesLabels, _ key: SeriesKey, le: String, _ count: UInt64, to output: inout String
    ) {
        output += name + "_bucket"
        labels.append(key, le: le, to: &output)
        output += " " + String(count) + "\n"
    }

    /// A family's label names and the registry's values: the `{name="value",…}`
    /// text of a series, written only while rendering, and the series' order.
    struct SeriesLabels {
        let names: [String]
        let values: LabelValues

        /// By label values in name order: the order of the exported lines.
        func precedes(_ left: SeriesKey, _ right: SeriesKey) -> Bool {
            for position in names.indices where left[position] != right[position] {
                return values[left[position]] < values[right[position]]
            }
            return false
        }

        func append(_ key: SeriesKey, le: String? = nil, to output: inout String) {
            guard !names.isEmpty || le != nil else { return }
            output += "{"
            for (position, name) in names.enumerated() {
                if position > 0 { output += "," }
                output += name + "=\""
                appendEscapedLabelValue(values[key[position]], to: &output)
                output += "\""
            }
            if let le { output += (names.isEmpty ? "" : ",") + "le=\"" + le + "\"" }
            output += "}"
        }
    }

    /// Sample values and bucket bounds: integers without a fraction (`1`, not
    /// `1.0`), and the spellings the format defines for the non-finite values.
    static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }

    static func appendEscapedLabelValue(_ text: String, to output: inout String) {
        // Almost every value (an operator's name, a state) needs no escaping.
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\n") })
        else {
            output += text
            return
        }
        for character in text.unicodeScalars {
            switch character {
            case "\\": output += "\\\\"
            case "\"": output += "\\\""
            case "\n": output += "\\n"
            default: output.unicodeScalars.append(character)
            }
        }
    }

    /// HELP text escapes only backslash and newline (quotes are literal there).
    static func escapeHelp(_ text: String) -> String {
        var output = ""
        for character in text.unicodeScalars {
            switch character {
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            default: output.unicodeScalars.append(character)
            }
        }
        return output
    }

    /// Names are ours, but a bad character would make the scraper reject the
    /// whole file, so anything outside `[a-zA-Z0-9_:]` becomes `_`.
    static func sanitizedMetricName(_ name: String) -> String {
        sanitized(name, allowColon: true)
    }

    static func sanitizedLabelName(_ name: String) -> String {
        sanitized(name, allowColon: false)
    }

    private static func sanitized(_ name: String, allowColon: Bool) -> String {
        // Names come from our own code and are almost always valid already; this runs on every sample.
        if let first = name.utf8.first, !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first),
            name.utf8.allSatisfy({ isNameByte($0, allowColon: allowColon) })
        {
            return name
        }
        var output = ""
        for (position, scalar) in name.unicodeScalars.enumerated() {
            switch scalar {
            case "a"..."z", "A"..."Z", "_": output.unicodeScalars.append(scalar)
            case ":" where allowColon: output.unicodeScalars.append(scalar)
            case "0"..."9" where position > 0: output.unicodeScalars.append(scalar)
            default: output += "_"
            }
        }
        return output.isEmpty ? "_" : output
    }

    private static func isNameByte(_ byte: UInt8, allowColon: Bool) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "_"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        case UInt8(ascii: ":"): allowColon
        default: false
        }
    }
}
