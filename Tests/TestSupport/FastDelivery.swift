/// JSON members for a `TestOperator.extra` that keep end-to-end tests fast:
/// short timeouts and back-off in the tens of milliseconds. The one place
/// tests say how quickly a retried win comes back.
package func fastDelivery(
    timeoutSeconds: Double = 1, concurrency: Int? = 4,
    retry: String = fastRetry, extra: String = ""
) -> String {
    var members = ["\"timeoutSeconds\": \(timeoutSeconds)"]
    if let concurrency { members.append("\"concurrency\": \(concurrency)") }
    members.append("\"retry\": {\(retry)}")
    if !extra.isEmpty { members.append(extra) }
    return members.joined(separator: ", ")
}

/// The `retry` members of `fastDelivery`, for a test that adds its own.
package let fastRetry = "\"initialDelaySeconds\": 0.05, \"maxDelaySeconds\": 0.2"
