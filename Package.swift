// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "jackpotd",
    products: [
        .executable(name: "jackpotd", targets: ["jackpotd"]),
        .executable(name: "jackpotd-bench", targets: ["jackpotd-bench"]),
        .library(name: "JackpotKit", targets: ["JackpotKit"]),
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
        .target(name: "JackpotKit", dependencies: ["CSQLite", "CCurl"]),
        .executableTarget(name: "jackpotd", dependencies: ["JackpotKit"]),
        .executableTarget(name: "jackpotd-bench", dependencies: ["JackpotKit", "CCurl"]),
        .testTarget(name: "JackpotKitTests", dependencies: ["JackpotKit"]),
    ]
)
