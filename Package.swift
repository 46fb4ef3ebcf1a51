// swift-tools-version:6.0
import PackageDescription

// No package dependencies: the toolchain and libpq only (customer requirement).
let strict: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]

let package = Package(
    name: "ClusterXchange",
    products: [
        .executable(name: "clusterxchange", targets: ["clusterxchange"])
    ],
    targets: [
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        .target(name: "Timestamps", swiftSettings: strict),
        .target(name: "HTTP", dependencies: ["Timestamps"], swiftSettings: strict),
        .target(name: "Postgres", dependencies: ["CLibPQ", "Timestamps"], swiftSettings: strict),
        .target(name: "Evaluation", swiftSettings: strict),
        .target(name: "Mail", dependencies: ["Timestamps"], swiftSettings: strict),
        .target(name: "Signing", swiftSettings: strict),
        .target(
            name: "Grants", dependencies: ["HTTP", "Postgres", "Evaluation", "Mail", "Signing", "Timestamps"],
            // The web console's files, served from disk (ConsoleAssets), not compiled.
            exclude: ["Web/console"], swiftSettings: strict),
        .executableTarget(name: "clusterxchange", dependencies: ["Grants"], swiftSettings: strict),
        .executableTarget(
            name: "EvaluationBenchmark", dependencies: ["Evaluation"],
            path: "Benchmarks/EvaluationBenchmark", swiftSettings: strict),
        // Fuzz harnesses: a corpus replayer in normal builds, libFuzzer targets under `make fuzz`.
        .executableTarget(
            name: "FuzzHarnesses", dependencies: ["Grants", "HTTP", "Postgres", "Mail"],
            path: "Tests/Fuzz/Harnesses", swiftSettings: strict),
        .testTarget(name: "TimestampsTests", dependencies: ["Timestamps"], swiftSettings: strict),
        .testTarget(name: "HTTPTests", dependencies: ["HTTP"], swiftSettings: strict),
        .testTarget(name: "PostgresTests", dependencies: ["Postgres"], swiftSettings: strict),
        .testTarget(name: "EvaluationTests", dependencies: ["Evaluation"], swiftSettings: strict),
        .testTarget(name: "MailTests", dependencies: ["Mail"], swiftSettings: strict),
        .testTarget(name: "SigningTests", dependencies: ["Signing"], swiftSettings: strict),
        .testTarget(
            name: "GrantsTests", dependencies: ["Grants", "HTTP", "Postgres", "Mail", "Signing"],
            exclude: ["Support/smtp_sink.py", "Support/webhook_receiver.py"],
            swiftSettings: strict),
    ],
    swiftLanguageModes: [.v6]
)
