// swift-tools-version:6.0
import PackageDescription

// The targets are the architecture: each imports only the ones below it, so a
// backwards dependency is a compile error.
//
//   JackpotWire           win, amount, hash, request, response, outcome, HTTP values
//   JackpotStore          SQLite layer, schema, outbox           → Wire
//   JackpotConfiguration  config file, validation                → Store, Wire
//   JackpotTelemetry      logs, metrics                          → Configuration, Store, Wire
//   JackpotIngest         HTTP listener, group-commit writer     → Telemetry, Configuration, Store, Wire, CMicroHTTPD
//   JackpotDelivery       dispatcher, lanes, breaker, transport  → Ingest, Telemetry, Configuration, Store, Wire, CCurl
//   OperatorSimulator     loopback operator for demo/tests/bench → Wire
//   JackpotCLI            commands                               → Delivery, OperatorSimulator, …
//   jackpotd              the executable                         → CLI
let package = Package(
    name: "jackpotd",
    products: [
        .executable(name: "jackpotd", targets: ["jackpotd"]),
        .executable(name: "jackpotd-bench", targets: ["jackpotd-bench"]),
        // For game platforms that enqueue from Swift: `Outbox.enqueue` and its types.
        .library(name: "JackpotOutbox", targets: ["JackpotStore", "JackpotWire"]),
    ],
    targets: [
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        // The ingest listener's HTTP server; GnuTLS for its TLS and client certificates.
        .systemLibrary(
            name: "CMicroHTTPD",
            pkgConfig: "libmicrohttpd",
            providers: [.apt(["libmicrohttpd-dev", "libgnutls28-dev"])]
        ),
        .target(name: "JackpotWire"),
        .target(name: "JackpotStore", dependencies: ["JackpotWire", "CSQLite"]),
        .target(name: "JackpotConfiguration", dependencies: ["JackpotStore", "JackpotWire"]),
        .target(name: "JackpotTelemetry", dependencies: ["JackpotConfiguration", "JackpotStore", "JackpotWire"]),
        .target(
            name: "JackpotIngest",
            dependencies: ["JackpotTelemetry", "JackpotConfiguration", "JackpotStore", "JackpotWire", "CMicroHTTPD"]),
        .target(
            name: "JackpotDelivery",
            dependencies: ["JackpotIngest", "JackpotTelemetry", "JackpotConfiguration", "JackpotStore", "JackpotWire", "CCurl"]),
        .target(name: "OperatorSimulator", dependencies: ["JackpotWire"]),
        .target(
            name: "JackpotCLI",
            dependencies: [
                "JackpotDelivery", "JackpotIngest", "OperatorSimulator", "JackpotTelemetry", "JackpotConfiguration", "JackpotStore",
                "JackpotWire",
            ]),
        .executableTarget(name: "jackpotd", dependencies: ["JackpotCLI"]),
        .executableTarget(
            name: "jackpotd-bench",
            dependencies: [
                "JackpotCLI", "JackpotDelivery", "JackpotIngest", "OperatorSimulator", "JackpotTelemetry", "JackpotConfiguration",
                "JackpotStore", "JackpotWire", "CCurl",
            ]),
        // Helpers both test targets share (temporary directories, in-process CLI runs,
        // an outbox probe). A plain target under Tests/, linked only by the tests.
        .target(
            name: "TestSupport",
            dependencies: [
                "JackpotCLI", "JackpotDelivery", "JackpotIngest", "OperatorSimulator", "JackpotTelemetry", "JackpotConfiguration",
                "JackpotStore", "JackpotWire",
            ],
            path: "Tests/TestSupport"),
        // Pure logic and single-file SQLite: no daemons, sockets or child processes.
        .testTarget(
            name: "JackpotKitTests",
            dependencies: [
                "TestSupport", "JackpotCLI", "JackpotDelivery", "JackpotIngest", "OperatorSimulator", "JackpotTelemetry",
                "JackpotConfiguration", "JackpotStore", "JackpotWire",
            ]),
        // Daemons, loopback sockets and child processes; `.ci/run` caps its parallelism.
        .testTarget(
            name: "JackpotIntegrationTests",
            dependencies: [
                "TestSupport", "JackpotCLI", "JackpotDelivery", "JackpotIngest", "OperatorSimulator", "JackpotTelemetry",
                "JackpotConfiguration", "JackpotStore", "JackpotWire",
            ]),
    ]
)
