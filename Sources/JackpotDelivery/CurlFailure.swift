import CCurl
import JackpotWire

/// Sorts libcurl's result codes into the kinds the retry logic distinguishes,
/// keeping curl's own words (its error buffer) for the attempt log.
enum CurlFailure {
    static func classify(_ code: CURLcode, detail: String) -> TransportFailure {
        let name = String(cString: curl_easy_strerror(code))
        let text = detail.isEmpty ? name : detail
        let message = "\(text) (curl \(code.rawValue))"
        switch code {
        case CURLE_OPERATION_TIMEDOUT:
            return .timeout
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_ENGINE_NOTFOUND,
            CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER, CURLE_USE_SSL_FAILED,
            CURLE_SSL_ENGINE_INITFAILED, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_SHUTDOWN_FAILED,
            CURLE_SSL_CRL_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
            CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CLIENTCERT:
            return .tls(message)
        case CURLE_RECV_ERROR, CURLE_SEND_ERROR:
            // A peer that rejects our certificate (or its absence) does so with a TLS
            // alert after the handshake looked complete, so curl reports it on read.
            if isTLSAlert(text) { return .tls(message) }
            return .connection(message)
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_CONNECT,
            CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE, CURLE_WEIRD_SERVER_REPLY, CURLE_HTTP2,
            CURLE_HTTP2_STREAM, CURLE_PROXY:
            return .connection(message)
        default:
            return .other(message)
        }
    }

    private static func isTLSAlert(_ text: String) -> Bool {
        let lowered = text.lowercased()
        return lowered.contains("alert") || lowered.contains("certificate")
    }
}
