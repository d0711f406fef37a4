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
    /// When the headers were in plus `requestTimeoutSeconds`: a piece of body
    /// arriving later ends the request with 408. libmicrohttpd's own timeout
    /// only closes a connection idle that long, which a client sending a byte
    /// now and then never is.
    let bodyDeadline: ContinuousClock.Instant
    let progress = Mutex(Progress())

    init(route: IngestRoute, bodyDeadline: ContinuousClock.Instant) {
        self.route = route
        self.bodyDeadline = bodyDeadline
    }
}

/// A libmicrohttpd connection handed to the writer thread, which resumes it.
/// The connection stays valid while suspended; the listener resumes every
/// suspended connection before it stops the daemon.
struct ConnectionHandle: @unchecked Sendable {
    let pointer: OpaquePointer
}
