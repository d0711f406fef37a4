import CMicroHTTPD
import Glibc
import JackpotConfiguration
import JackpotIngest

/// The ceiling `jackpotd-bench` sets beside the single-win ingest figure:
/// libmicrohttpd on a loopback port with the listener's flags and memory per
/// connection, answering every request with the same fixed 201 the moment its
/// body is in — no routing, no token, no parsing, no storage, no hand-off to
/// another thread. The rate the same 64 clients get from it is the most any
/// listener built on libmicrohttpd can reach on this machine, clients included.
package final class BareMicroHTTPD {
    package let port: Int
    private let daemon: OpaquePointer
    private let response: OpaquePointer

    package init(maxConnections: Int) throws {
        let socket: ListenSocket
        do {
            socket = try ListenSocket(.inet(host: "127.0.0.1", port: 0), backlog: 4096)
        } catch {
            throw BareMicroHTTPDError(description: error.description)
        }
        let listener = socket.descriptor
        port = socket.boundAddress.split(separator: ":").last.flatMap { Int($0) } ?? 0
        // An answer like the listener's to an accepted win: the same header, a body of its size.
        let body = Array(#"{"result":"accepted","reference":"ib-0000000000"}"#.utf8) + [10]
        guard let fixed = body.withUnsafeBytes({ jk_mhd_response_copy($0.count, $0.baseAddress) }) else {
            close(listener)
            throw BareMicroHTTPDError(description: "libmicrohttpd could not make a response")
        }
        MHD_add_response_header(fixed, "Content-Type", "application/json")
        response = fixed
        guard
            let started = jk_mhd_start(
                JK_MHD_FLAGS_BASE, listener, bareAccessHandler, UnsafeMutableRawPointer(fixed), nil, nil,
                UInt32(maxConnections), 30, IngestServer.connectionMemory, nil, nil, nil)
        else {
            MHD_destroy_response(fixed)
            close(listener)
            throw BareMicroHTTPDError(description: "the bare libmicrohttpd server did not start")
        }
        daemon = started
    }

    /// Stops libmicrohttpd (which closes the listening socket) and frees the answer.
    package func stop() {
        MHD_stop_daemon(daemon)
        MHD_destroy_response(response)
    }
}

/// Why the bare server could not start.
package struct BareMicroHTTPDError: Error, CustomStringConvertible {
    package let description: String
}

/// First call (headers in): mark the request; body pieces: take them; last call: the fixed 201.
private let bareAccessHandler: MHD_AccessHandlerCallback = {
    response, connection, _, _, _, _, uploadSize, requestContext in
    guard let response, let connection, let uploadSize, let requestContext else { return JK_MHD_NO }
    if requestContext.pointee == nil {
        requestContext.pointee = response
        return JK_MHD_YES
    }
    if uploadSize.pointee > 0 {
        uploadSize.pointee = 0
        return JK_MHD_YES
    }
    return MHD_queue_response(connection, 201, OpaquePointer(response))
}
