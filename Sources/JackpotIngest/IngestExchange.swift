import Synchronization
import JackpotConfiguration

/// One request on its way through the listener: libmicrohttpd keeps it in the
/// connection's request context (`void **req_cls`) from the first call of the
/// access handler to the completion callback.
final class IngestExchange: Sendable {
    struct Progress {
        var token: IngestToken?
        var kind: WinsRequest.Kind?
        var body: [UInt8] = []
        /// The body passed `maxBodyBytes`: the rest is read and dropped, and the answer is 413.
        var tooLarge = false
        /// Waiting for the writer, the connection suspended.
        var suspended = false
        /// Set by whoever finished the work, read when libmicrohttpd calls again after the resume.
        var answer: IngestAnswer?
        var status: Int?
    }

    let route: IngestRoute
    let progress = Mutex(Progress())

    init(route: IngestRoute) {
        self.route = route
    }
}

/// A libmicrohttpd connection handed to the writer thread, which resumes it.
/// The connection stays valid while suspended; the listener resumes every
/// suspended connection before it stops the daemon.
struct ConnectionHandle: @unchecked Sendable {
    let pointer: OpaquePointer
}
