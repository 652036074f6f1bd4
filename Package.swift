// swift-tools-version:6.1
// t2i: EEE443 COCO captions -> clean 64x64 training shards -> a text-conditioned GAN on the CPU.
import PackageDescription

/// C libraries from Debian, each wrapped as a system library found through pkg-config.
/// `scripts/check-build-log.sh` turns SwiftPM's "could not find pkg-config" warnings into errors.
let cLibraries: [Target] = [
    .systemLibrary(name: "CHDF5", pkgConfig: "hdf5", providers: [.apt(["libhdf5-dev"])]),
    .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
    .systemLibrary(name: "CTurboJPEG", pkgConfig: "libturbojpeg", providers: [.apt(["libturbojpeg0-dev"])]),
    .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
    .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
]

let argumentParser: Target.Dependency = .product(name: "ArgumentParser", package: "swift-argument-parser")
let logging: Target.Dependency = .product(name: "Logging", package: "swift-log")

let package = Package(
    name: "t2i",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "t2i", targets: ["t2i"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    ],
    targets: cLibraries + [
        // Splitting work across cores, results in order.
        .target(name: "Parallel"),
        // Typed Swift wrapper over libhdf5: files, datasets, hyperslab reads, compound types, writing.
        .target(name: "HDF5", dependencies: ["CHDF5"]),
        // The EEE443 file layout: vocabulary, captions, image ids, URLs.
        .target(name: "EEE443", dependencies: ["HDF5", "Parallel"]),
        // GloVe text-format word vectors and vocabulary lookup.
        .target(name: "GloVe", dependencies: ["EEE443", "Parallel"]),
        // Float32 NHWC tensors, layers with forward/backward, Adam, parameter files; GEMMs on OpenBLAS.
        .target(name: "Tensor", dependencies: ["COpenBLAS"]),
        // GAN-INT-CLS (Reed et al. 2016): G, D, GRU text encoder, the matching-aware training step.
        .target(name: "GAN", dependencies: ["Tensor"]),
        // The training loop: data seam, synthetic data, checkpoints, CSV log, PNG grids, evaluation.
        .target(name: "Training", dependencies: ["GAN", "Tensor", "EEE443", "GloVe", "CPNG"]),
        // Does G follow the caption? Attribute classifier, accuracies, diversity, Frechet distance.
        .target(name: "Evaluation", dependencies: ["Training", "GAN", "Tensor"]),
        // Shared helpers for tests: temporary folders, fixture scripts, running the real CLI.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        // The command-line tool: a thin layer over the modules above.
        .executableTarget(name: "t2i", dependencies: ["EEE443", "GloVe", "GAN", "Training", "Evaluation", argumentParser, logging]),
        // Benchmarks run by `make bench`; they print figures next to the Python reference.
        .executableTarget(name: "t2i-bench", dependencies: ["EEE443", "GloVe"], path: "Sources/Bench"),
        // Tensor benchmark: GAN layer shapes and sgemm, compared with PyTorch by scripts/bench/70-tensor.sh.
        .executableTarget(name: "t2i-bench-tensor", dependencies: ["Tensor", "COpenBLAS"], path: "Sources/BenchTensor"),
        // Training-step benchmark: images/s against the PyTorch reference (scripts/bench/80-train.sh).
        .executableTarget(name: "t2i-bench-train", dependencies: ["GAN", "Training", "Tensor", "COpenBLAS"], path: "Sources/BenchTrain"),
        .testTarget(name: "HDF5Tests", dependencies: ["HDF5", "TestSupport"]),
        .testTarget(name: "EEE443Tests", dependencies: ["EEE443", "HDF5", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "GloVeTests", dependencies: ["GloVe", "TestSupport"]),
        .testTarget(name: "TensorTests", dependencies: ["Tensor", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "GANTests", dependencies: ["GAN", "Tensor", "TestSupport"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "GAN", "Tensor", "EEE443", "TestSupport", "t2i"]),
        .testTarget(name: "EvaluationTests", dependencies: ["Evaluation", "Training", "GAN", "Tensor", "TestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["t2i", "TestSupport"]),
    ]
)

for target in package.targets where [.executable, .test, .regular].contains(target.type) {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    target.swiftSettings = settings
}
