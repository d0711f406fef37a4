/// A measurement could not be completed (a daemon that never delivered, a child that failed).
struct BenchFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
