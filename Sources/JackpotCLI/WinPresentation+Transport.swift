import JackpotWire
extension WinPresentation {
    /// How the request travels, when it is more than a direct https call: the
    /// proxy (credentials masked) and the TLS files, one `  via …` line each.
    static func transportLines(_ options: TransportOptions) -> String {
        var lines: [String] = []
        if let proxy = options.proxy { lines.append("via proxy \(URLMasking.masked(proxy)) (CONNECT)") }
        if let certificate = options.clientCertificateFile {
            lines.append("client certificate \(certificate), key \(options.clientKeyFile ?? "-")")
        }
        if let caFile = options.caFile { lines.append("trusted CAs \(caFile)") }
        return lines.map { "  \($0)\n" }.joined()
    }
}
