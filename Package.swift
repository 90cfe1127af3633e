// swift-tools-version:6.1
// LossCast: predict a language-model pretraining run's loss from its configuration.
// Data flows top to bottom: runs come in and are stored, the laws and the predictor learn
// from them, the simulator, costs and campaign use the predictions, the CLI drives it all.
// A target depends only on targets listed above it.
import PackageDescription

let package = Package(
    name: "LossCast",
    platforms: [.macOS(.v14)],

    // MARK: - Products
    products: [
        .executable(name: "losscast", targets: ["LossCastCLI"]),
        .executable(name: "losscast-bench", targets: ["LossCastBench"]),
        .library(name: "Tensors", targets: ["Tensors"]),
        .library(name: "Autograd", targets: ["Autograd"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.0"),
        // The simulator's HTTP service. Default traits off: no swift-configuration, no full Foundation.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.0", traits: []),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0")
    ],
    targets: [
        // MARK: - System libraries
        .systemLibrary(
            name: "COpenBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),

        // MARK: - Library targets
        // In data-flow order: what runs are, how they come in and are stored; the laws; the
        // numeric stack; the predictor and its evaluation; what uses predictions. A target
        // depends only on targets above it.

        // Leaves shared by several stages.
        .target(name: "Randomness", exclude: ["README.md"]),
        .target(name: "Scoring", exclude: ["README.md"]),
        .target(name: "Plots", exclude: ["README.md"]),

        // Runs in: the data model, configuration files, Parquet files, importers, the SQLite store.
        .target(name: "Runs", exclude: ["README.md"]),
        .target(name: "ConfigTree", dependencies: ["Runs", .product(name: "Yams", package: "Yams")], exclude: ["README.md"]),
        .target(name: "Parquet", dependencies: ["CZlib", "CZstd"], exclude: ["README.md"]),
        .target(name: "Importers", dependencies: ["Runs", "ConfigTree", "Parquet"], exclude: ["README.md"]),
        .target(
            name: "RunStore",
            dependencies: [
                "Runs", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift")
            ], exclude: ["README.md"]),

        // The classical scaling laws, fitted on runs.
        .target(name: "Laws", dependencies: ["Runs", "Scoring", "Randomness"], exclude: ["README.md"]),

        // The numeric stack: tensors over OpenBLAS, reverse-mode autograd, layers, optimizers, checkpoints.
        .target(name: "Tensors", dependencies: ["COpenBLAS", "Randomness"], exclude: ["README.md"]),
        .target(name: "Autograd", dependencies: ["Tensors"], exclude: ["README.md"]),
        .target(name: "Layers", dependencies: ["Tensors", "Autograd"], exclude: ["README.md"]),
        .target(name: "Optimization", dependencies: ["Tensors", "Autograd"], exclude: ["README.md"]),
        .target(name: "SafeTensors", dependencies: ["Tensors"], exclude: ["README.md"]),

        // The predictor, and how it is evaluated against the laws.
        .target(
            name: "Predictor", dependencies: ["Runs", "Laws", "Scoring", "Tensors", "Autograd", "Layers", "Optimization", "SafeTensors"],
            exclude: ["README.md"]),
        .target(name: "Backtest", dependencies: ["Runs", "Laws", "Scoring", "Predictor", "Plots", "Randomness"], exclude: ["README.md"]),

        // What uses predictions: the simulator and its HTTP service, costs, the research campaign.
        .target(name: "Simulator", dependencies: ["Runs", "Predictor", "Randomness", "ConfigTree"], exclude: ["README.md"]),
        .target(
            name: "SimulatorService",
            dependencies: [
                "Simulator", "Runs", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"), .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio")
            ],
            exclude: ["README.md", "openapi.yaml"]),
        .target(name: "Costs", dependencies: ["Runs", "Scoring", "Randomness"], exclude: ["README.md"]),
        .target(name: "Campaign", dependencies: ["Randomness", "Runs", "Plots", "ConfigTree"], exclude: ["README.md"]),

        // MARK: - Executables
        .executableTarget(
            name: "LossCastCLI",
            dependencies: [
                "Tensors", "Plots", "Runs", "Importers", "RunStore", "Laws", "Predictor",
                "Simulator", "SimulatorService", "Backtest", "Campaign", "ConfigTree", "Costs", "Scoring",
                .product(name: "ArgumentParser", package: "swift-argument-parser")
            ],
            exclude: ["README.md"]
        ),

        .executableTarget(
            name: "LossCastBench",
            dependencies: ["Tensors", "Autograd", "Layers", "Optimization", "Runs", "Importers", "Laws"],
            path: "Tools/bench/LossCastBench"
        ),

        // MARK: - Tests
        .target(name: "TestSupport", dependencies: ["Tensors", "Autograd"], path: "Tests/TestSupport"),
        .testTarget(name: "TensorsTests", dependencies: ["Tensors", "TestSupport"]),
        .testTarget(name: "AutogradTests", dependencies: ["Tensors", "Autograd", "TestSupport"]),
        .testTarget(
            name: "OptimizationTests",
            dependencies: ["Tensors", "Autograd", "Layers", "Optimization", "Runs", "TestSupport"]),
        .testTarget(name: "SafeTensorsTests", dependencies: ["Tensors", "SafeTensors", "TestSupport"]),
        .testTarget(
            name: "IngestionTests",
            dependencies: [
                "Runs", "ConfigTree", "Importers", "Parquet", "RunStore", "Randomness", "TestSupport",
                .product(name: "GRDB", package: "GRDB.swift")
            ]),
        .testTarget(name: "LawsTests", dependencies: ["Runs", "Importers", "Scoring", "Laws", "TestSupport"]),
        .testTarget(
            name: "PredictorTests",
            dependencies: [
                "Runs", "Importers", "Laws", "Scoring", "Predictor", "SafeTensors", "Tensors", "Autograd", "Layers",
                "TestSupport"
            ]),
        .testTarget(
            name: "BacktestTests",
            dependencies: ["Backtest", "Runs", "Importers", "RunStore", "Laws", "Scoring", "Predictor", "TestSupport"]),
        .testTarget(
            name: "SimulatorTests",
            dependencies: [
                "Simulator", "SimulatorService", "Runs", "TestSupport",
                .product(name: "Yams", package: "Yams")
            ]),
        .testTarget(name: "CostsTests", dependencies: ["Costs", "Scoring", "TestSupport"]),
        .testTarget(name: "CampaignTests", dependencies: ["Campaign", "ConfigTree", "Randomness", "Runs"]),
        .testTarget(name: "LossCastCLITests", dependencies: ["Tensors", "TestSupport", "LossCastCLI"])
    ],
    swiftLanguageModes: [.v5]
)
