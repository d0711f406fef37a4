import JackpotWire

extension OperatorConfig {
    /// The part of this operator's config that shapes the bytes on the wire.
    package var wireSettings: WireSettings {
        WireSettings(
            url: url, secret: secret, encoding: encoding, amountDecimals: amountDecimals, dialect: dialect,
            transport: transportOptions, headers: headers)
    }
}

extension WireRequest {
    /// The request for `win` as `operator` receives it (its `providerId`, if set, wins over the global one).
    package static func build(win: JackpotWin, providerId: String, operator: OperatorConfig) throws -> WireRequest {
        try build(win: win, providerId: providerId, settings: `operator`.wireSettings)
    }
}
