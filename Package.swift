// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "disburse",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "disburse", targets: ["disburse"]),
        .executable(name: "disburse-bench", targets: ["DisburseBench"]),
        .executable(name: "disburse-fuzz", targets: ["StatusFileFuzz"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        .target(
            name: "Disbursement",
            dependencies: [
                "CLibPQ",
                "CLibXML2",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ],
            resources: [.embedInCode("Database/Migrations")]
        ),
        .executableTarget(
            name: "disburse",
            dependencies: [
                "Disbursement",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Micro-benchmarks of the pure parts; the whole-night benchmark is bench/night.
        .executableTarget(
            name: "DisburseBench",
            dependencies: ["Disbursement"],
            path: "bench/Sources/DisburseBench"
        ),
        // The status-file readers under libFuzzer (fuzz/run); built plainly it replays the corpus.
        .executableTarget(
            name: "StatusFileFuzz",
            dependencies: ["Disbursement"],
            path: "fuzz/Sources/StatusFileFuzz"
        ),
        .testTarget(
            name: "DisbursementTests",
            dependencies: ["Disbursement"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
