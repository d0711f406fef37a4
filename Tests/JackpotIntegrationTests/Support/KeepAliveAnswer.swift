/// A small JSON 200 answer that keeps the connection open.
func keepAliveAnswer(_ json: String) -> String {
    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(json.utf8.count)\r\n\r\n\(json)"
}
