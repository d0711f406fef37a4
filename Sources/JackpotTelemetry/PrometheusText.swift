/// The Prometheus text exposition format, version 0.0.4: what node_exporter's
/// textfile collector and `promtool check metrics` read.
enum PrometheusText {
    static func append(name: String, family: MetricFamily, to output: inout String) {
        guard !family.isEmpty else { return }
        output += "# HELP \(name) \(escapeHelp(family.help))\n"
        output += "# TYPE \(name) \(family.type.rawValue)\n"
        switch family.type {
        case .counter, .gauge:
            for labels in family.scalars.keys.sorted() {
                output += name + labelText(labels.pairs) + " " + number(family.scalars[labels]!) + "\n"
            }
        case .histogram:
            for labels in family.histograms.keys.sorted() {
                let histogram = family.histograms[labels]!
                var cumulative: UInt64 = 0
                for (slot, bound) in family.bounds.enumerated() {
                    cumulative += histogram.counts[slot]
                    output += bucketLine(name, labels, le: number(bound), cumulative)
                }
                output += bucketLine(name, labels, le: "+Inf", histogram.count)
                output += name + "_sum" + labelText(labels.pairs) + " " + number(histogram.sum) + "\n"
                output += name + "_count" + labelText(labels.pairs) + " " + String(histogram.count) + "\n"
            }
        }
    }

    /// `le` goes last, as the official client libraries write it.
    private static func bucketLine(_ name: String, _ labels: LabelSet, le: String, _ count: UInt64) -> String {
        name + "_bucket" + labelText(labels.pairs + [LabelSet.Pair(name: "le", value: le)]) + " " + String(count) + "\n"
    }

    private static func labelText(_ pairs: [LabelSet.Pair]) -> String {
        guard !pairs.isEmpty else { return "" }
        return "{" + pairs.map { "\($0.name)=\"\(escapeLabelValue($0.value))\"" }.joined(separator: ",") + "}"
    }

    /// Sample values and bucket bounds: integers without a fraction (`1`, not
    /// `1.0`), and the spellings the format defines for the non-finite values.
    static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }

    static func escapeLabelValue(_ text: String) -> String {
        var output = ""
        for character in text.unicodeScalars {
            switch character {
            case "\\": output += "\\\\"
            case "\"": output += "\\\""
            case "\n": output += "\\n"
            default: output.unicodeScalars.append(character)
            }
        }
        return output
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
