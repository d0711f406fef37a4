/// One measured figure with its same-run baseline and the product target it is judged by.
struct Figure: Sendable {
    var name: String
    var value: Double
    var unit: String
    /// What the baseline is, e.g. "bare libcurl-multi loop"; nil when the figure stands alone.
    var baselineName: String?
    var baseline: Double?
    /// value / baseline, shown where the target is a ratio (or where it explains the figure).
    var ratio: Double?
    /// The target as text, e.g. "ratio ≥ 0.90"; nil for context-only figures.
    var target: String?
    /// Whether the target is met; nil for context-only figures.
    var met: Bool?

    init(
        _ name: String, value: Double, unit: String, baselineName: String? = nil, baseline: Double? = nil,
        ratio: Double? = nil, target: String? = nil, met: Bool? = nil
    ) {
        self.name = name
        self.value = value
        self.unit = unit
        self.baselineName = baselineName
        self.baseline = baseline
        self.ratio = ratio
        self.target = target
        self.met = met
    }
}
