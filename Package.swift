// swift-tools-version:6.1
import PackageDescription

// The pipeline reads as its stages, one module each: Ingest -> Store -> Analysis -> Report / Compare.
// The store owns every SQL read and write; Report, Compare and the command line read through its methods.
// The `analyze` executable is a thin command-line layer over them.
let package = Package(
    name: "analyze",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "analyze", targets: ["analyze"]),
        .library(name: "Store", targets: ["Store"]),
        .library(name: "Ingest", targets: ["Ingest"]),
        .library(name: "Simulate", targets: ["Simulate"]),
        .library(name: "Statistics", targets: ["Statistics"]),
        .library(name: "Analysis", targets: ["Analysis"]),
        .library(name: "Report", targets: ["Report"]),
        .library(name: "Compare", targets: ["Compare"]),
        .library(name: "Calibration", targets: ["Calibration"]),
        .library(name: "Trend", targets: ["Trend"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
    ],
    targets: [
        .target(
            name: "Store",
            dependencies: [
                "Statistics", "CSQLiteSetup", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]),
        // SQLite's threading mode and memory statistics, set before the first connection (a variadic C call).
        .target(name: "CSQLiteSetup", linkerSettings: [.linkedLibrary("sqlite3")]),
        // SHA-256 blocks with the x86 SHA extensions, for the content hash of every ingested byte.
        .target(name: "CSHA256"),
        .target(name: "Ingest", dependencies: ["Store", "CSHA256"], resources: [.copy("Mappings")]),
        // Exact statistics (quantiles, bootstrap, rank and distribution tests), no dependencies.
        .target(name: "Statistics"),
        // One stage per measurement of the paper, over the store, writing metric rows.
        .target(
            name: "Analysis",
            dependencies: [
                "Statistics", "Store", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]),
        // Paper-style Markdown reports with standalone SVG charts.
        .target(name: "Report", dependencies: ["Analysis", "Statistics", "Store"]),
        // Two snapshots side by side, with statistical verdicts.
        .target(name: "Compare", dependencies: ["Analysis", "Statistics", "Report", "Store"]),
        // A platform model that writes faas_measure runs with their ground truth.
        .target(name: "Simulate", dependencies: ["Statistics", "Store"], resources: [.copy("Profiles")]),
        // The simulator's profiles against the paper's numbers, with tolerances.
        .target(name: "Calibration", dependencies: ["Compare", "Report", "Simulate", "Store"]),
        // Many snapshots in time order: robust slopes, trend tests and change points per metric group.
        .target(name: "Trend", dependencies: ["Analysis", "Report", "Statistics", "Store"]),
        .executableTarget(
            name: "analyze",
            dependencies: [
                "Store", "Ingest", "Simulate", "Statistics", "Analysis", "Report", "Compare", "Calibration", "Trend",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .testTarget(
            name: "StoreTests",
            dependencies: ["Store", "Simulate", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(
            name: "IngestTests",
            dependencies: [
                "Ingest", "Store", "Statistics", "Simulate", .product(name: "GRDB", package: "GRDB.swift"),
            ]),
        .testTarget(name: "StatisticsTests", dependencies: ["Statistics"]),
        .testTarget(
            name: "AnalysisTests",
            dependencies: [
                "Analysis", "Statistics", "Simulate", "Ingest", "Store", .product(name: "GRDB", package: "GRDB.swift"),
            ]),
        .testTarget(
            name: "ReportTests",
            dependencies: [
                "Report", "Analysis", "Statistics", "Ingest", "Store", .product(name: "GRDB", package: "GRDB.swift"),
            ],
            resources: [.copy("Golden")]),
        .testTarget(
            name: "CompareTests",
            dependencies: [
                "Compare", "Analysis", "Statistics", "Simulate", "Ingest", "Store",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]),
        .testTarget(
            name: "TrendTests",
            dependencies: ["Trend", "Analysis", "Simulate", "Ingest", "Store"]),
        .testTarget(
            name: "CalibrationTests",
            dependencies: ["Calibration", "Simulate", "Ingest", "Store"]),
        .testTarget(
            name: "SimulateTests",
            dependencies: ["Simulate", "Ingest", "Store", .product(name: "GRDB", package: "GRDB.swift")]),
        // Runs the built executable (a dependency, so that `swift test` builds it first).
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["analyze", .product(name: "GRDB", package: "GRDB.swift")]),
    ],
    swiftLanguageModes: [.v6]
)
