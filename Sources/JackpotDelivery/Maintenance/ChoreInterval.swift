/// The settings of a chore whose only setting is how often it runs: the
/// daemon's housekeeping interval, 500 ms unless configured otherwise.
package struct ChoreInterval: Sendable {
    package var interval = Duration.milliseconds(500)
    package init(interval: Duration = .milliseconds(500)) { self.interval = interval }
}
