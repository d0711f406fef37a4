// swift-tools-version:6.0
import PackageDescription

// The targets are the architecture. Each lists exactly the targets its files
// import (.ci/check-imports fails on a dependency or an import nothing uses), so
// a backwards import does not compile; and with MemberImportVisibility (SE-0444,
// on for every target: see the end) a missing import is a compile error too.
//
//   JackpotWire           win, amount, hash, request, response, outcome, HTTP values
//   JackpotStore          SQLite layer, schema, outbox           → Wire, CSQLite
//   JackpotTelemetry      logs, metrics                          → Wire (JSONWriter)
//   JackpotConfiguration  config file, validation                → Store (CheckpointOwner), Wire
//   JackpotIngest         HTTP listener, group-commit writer     → Configuration, Telemetry, Store, Wire, CMicroHTTPD
//   JackpotDelivery       dispatcher, lanes, breaker, transport  → Configuration, Telemetry, Store, Wire, CCurl
//   JackpotDaemon         `run`: delivery, listener, signals     → Delivery, Ingest, Configuration, Telemetry, CMalloc
//   OperatorSimulator     loopback wallets for demo/tests/bench  → Wire
//   JackpotCLI            commands                               → Daemon, Delivery, Ingest, …
//   jackpotd              the executable                         → CLI
//   jackpotd-demo-wallets `demo`'s wallets, a child process      → OperatorSimulator
//   JackpotOutbox         the library product's module           → Store, Wire (re-exports their public API)
//   BenchMicroHTTPD       the bench's bare libmicrohttpd ceiling  → Ingest, Configuration, CMicroHTTPD
//
// As a graph (an edge that a longer path already implies is left out):
//
//   JackpotWire ◀─┬─ JackpotStore ◀─┬─ JackpotConfiguration ◀─┬─ JackpotIngest ◀───┬─ JackpotDaemon ◀─ JackpotCLI ◀─ jackpotd
//                 │                 └─ JackpotOutbox          │                    │
//                 ├─ JackpotTelemetry ◀───────────────────────┤                    │
//                 │                                           └─ JackpotDelivery ◀─┘
//                 └─ OperatorSimulator ◀─ jackpotd-demo-wallets (run by `jackpotd demo` as a child process)

let package = Package(
    name: "jackpotd",
    products: [
        .executable(name: "jackpotd", targets: ["jackpotd"]),
        .executable(name: "jackpotd-bench", targets: ["jackpotd-bench"]),
        // `jackpotd demo` runs it beside itself: the simulated wallets stay out of the shipped `jackpotd`.
        .executable(name: "jackpotd-demo-wallets", targets: ["jackpotd-demo-wallets"]),
        // For game platforms that enqueue from Swift (`import JackpotOutbox`): `Outbox.enqueue` and its types.
        .library(name: "JackpotOutbox", targets: ["JackpotOutbox"]),
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
        // glibc's malloc.h, for the daemon's heap settings (`mallopt`); part of libc, nothing to install.
        .systemLibrary(name: "CMalloc"),
        .target(name: "JackpotWire"),
        .target(name: "JackpotStore", dependencies: ["JackpotWire", "CSQLite"]),
        .target(name: "JackpotTelemetry", dependencies: ["JackpotWire"]),
        .target(name: "JackpotConfiguration", dependencies: ["JackpotStore", "JackpotWire"]),
        .target(
            name: "JackpotIngest",
            dependencies: ["JackpotConfiguration", "JackpotTelemetry", "JackpotStore", "JackpotWire", "CMicroHTTPD"]),
        .target(
            name: "JackpotDelivery",
            dependencies: ["JackpotConfiguration", "JackpotTelemetry", "JackpotStore", "JackpotWire", "CCurl"]),
        .target(
            name: "JackpotDaemon",
            dependencies: ["JackpotDelivery", "JackpotIngest", "JackpotConfiguration", "JackpotTelemetry", "CMalloc"]),
        .target(name: "OperatorSimulator", dependencies: ["JackpotWire"]),
        .target(
            name: "JackpotCLI",
            dependencies: [
                "JackpotDaemon", "JackpotDelivery", "JackpotIngest", "JackpotTelemetry", "JackpotConfiguration",
                "JackpotStore", "JackpotWire",
            ]),
        .executableTarget(name: "jackpotd", dependencies: ["JackpotCLI"]),
        .executableTarget(name: "jackpotd-demo-wallets", dependencies: ["OperatorSimulator"]),
        .executableTarget(
            name: "jackpotd-bench",
            dependencies: [
                "JackpotCLI", "JackpotDelivery", "JackpotIngest", "OperatorSimulator", "JackpotTelemetry", "JackpotConfiguration",
                "JackpotStore", "JackpotWire", "CCurl", "BenchMicroHTTPD",
            ]),
        // The bench's ceiling for the listener: libmicrohttpd answering a fixed 201.
        // Bench-only, so it stays out of `JackpotIngest` and the shipped binary.
        .target(name: "BenchMicroHTTPD", dependencies: ["JackpotIngest", "JackpotConfiguration", "CMicroHTTPD"]),
        // The library product's module: re-exports the public enqueue API of these two.
        .target(name: "JackpotOutbox", dependencies: ["JackpotStore", "JackpotWire"]),
        // Helpers both test targets share (temporary directories, in-process CLI runs,
        // an outbox probe). A plain target under Tests/, linked only by the tests.
        .target(
            name: "TestSupport",
            dependencies: [
                "JackpotCLI", "JackpotDelivery", "OperatorSimulator", "JackpotTelemetry", "JackpotStore", "JackpotWire",
            ],
            path: "Tests/TestSupport"),
        // Pure logic and single-file SQLite: no daemons, sockets or child processes.
        .testTarget(
            name: "JackpotKitTests",
            dependencies: [
                "TestSupport", "JackpotCLI", "JackpotDelivery", "JackpotIngest", "OperatorSimulator", "JackpotTelemetry",
                "JackpotConfiguration", "JackpotStore", "JackpotWire", "CSQLite",
            ]),
        // Daemons, loopback sockets and child processes; `.ci/run` caps its parallelism.
        .testTarget(
            name: "JackpotIntegrationTests",
            dependencies: [
                "TestSupport", "JackpotCLI", "JackpotDelivery", "JackpotIngest", "OperatorSimulator", "JackpotTelemetry",
                "JackpotConfiguration", "JackpotOutbox", "JackpotStore", "JackpotWire",
            ]),
    ]
)

// A file sees only the members (methods, properties, cases) of the modules it
// imports itself, not those of modules its imports happen to load.
for target in package.targets where target.type != .system {
    target.swiftSettings = (target.swiftSettings ?? []) + [.enableUpcomingFeature("MemberImportVisibility")]
}
