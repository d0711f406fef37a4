import JackpotWire
/// One operator's TLS material beyond the system trust store (the `tls` object
/// in its config). Paths are absolute once loaded; the files were readable
/// when the config was validated.
package struct TLSSettings: Sendable, Hashable {
    /// PEM client certificate for mutual TLS (`tls.clientCertificateFile`).
    package var clientCertificateFile: String?
    /// PEM private key of that certificate, unencrypted (`tls.clientKeyFile`).
    package var clientKeyFile: String?
    /// PEM bundle of CAs trusted for this operator, replacing the system store (`tls.caFile`).
    package var caFile: String?

    package init(clientCertificateFile: String? = nil, clientKeyFile: String? = nil, caFile: String? = nil) {
        self.clientCertificateFile = clientCertificateFile
        self.clientKeyFile = clientKeyFile
        self.caFile = caFile
    }
}

extension OperatorConfig {
    /// What the transport needs to reach this operator, carried on every request built for it.
    package var transportOptions: TransportOptions {
        TransportOptions(
            allowInsecureHTTP: allowInsecureHTTP, clientCertificateFile: tls.clientCertificateFile,
            clientKeyFile: tls.clientKeyFile, caFile: tls.caFile, proxy: proxy)
    }
}
