import Glibc

/// Writes every byte of `bytes` to `descriptor`, retrying partial writes and
/// `EINTR`. Returns 0, or the errno that stopped it (`EIO` for a write of 0).
@discardableResult
package func writeAll(_ descriptor: Int32, _ bytes: some Collection<UInt8>) -> Int32 {
    Array(bytes).withUnsafeBytes { buffer in
        var offset = 0
        while offset < buffer.count {
            let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            if written > 0 {
                offset += written
            } else if written < 0 && errno == EINTR {
                continue
            } else {
                return written < 0 ? errno : EIO
            }
        }
        return 0
    }
}
