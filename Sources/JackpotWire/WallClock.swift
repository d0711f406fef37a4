import Foundation

/// The real time, in the unit every time in the outbox is stored in.
package enum WallClock {
    package static func nowMilliseconds() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
    }

    package static func now() -> UTCTime {
        UTCTime(epochMilliseconds: nowMilliseconds())
    }
}
