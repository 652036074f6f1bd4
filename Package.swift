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
let nio: [Target.Dependency] = ["NIOCore", "NIOPosix", "NIOHTTP1", "NIOConcurrencyHelpers"].map { .product(name: $0, package: "swift-nio") }

let package = Package(
    name: "t2i",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "t2i", targets: ["t2i"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
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
        // Concurrent HTTP downloads on libcurl's multi interface: retries, backoff, outage pauses.
        .target(name: "Download", dependencies: ["CCurl"]),
        // The pipeline's progress in SQLite (GRDB, WAL): items, stage runs, pixels, shard assignments.
        .target(name: "Ledger", dependencies: [.product(name: "GRDB", package: "GRDB.swift")]),
        // Float32 NHWC tensors, layers with forward/backward, Adam, parameter files; GEMMs on OpenBLAS.
        .target(name: "Tensor", dependencies: ["COpenBLAS", "CTensorKernels"]),
        // SIMD kernels the Tensor module dispatches to at run time (AVX-512 direct convolution), and
        // the start-up setting of OpenBLAS's idle-thread spin (hence its link to OpenBLAS).
        .target(name: "CTensorKernels", dependencies: ["COpenBLAS"]),
        // CRC32C for shard checksums: SSE4.2 instruction with a slice-by-8 fallback.
        .target(name: "CCRC32C"),
        // The shard format: checksummed fixed-size records, writer, memory-mapped reader, verifier, export.
        .target(name: "Shards", dependencies: ["CCRC32C", "Imaging"]),
        // libpng decode/encode with its setjmp/longjmp kept in C; Swift sees a status and a message.
        .target(name: "CPNGDecode", dependencies: ["CPNG"]),
        // Image bytes -> 64x64 RGB or a rejection with a reason: JPEG (DCT scaling) and PNG decode,
        // area resize, corrupt/grayscale/size/placeholder filters, PNG and JPEG encoders.
        .target(name: "Imaging", dependencies: ["CTurboJPEG", "CPNGDecode"]),
        // The staged, resumable prepare pipeline: captions -> download+filter+resize -> encode -> shards.
        .target(name: "Pipeline", dependencies: [
            "EEE443", "GloVe", "Download", "Ledger", "Imaging", "Shards", "DemoData", "DemoHost", "Parallel",
            .product(name: "TOMLKit", package: "TOMLKit"),
        ]),
        // GAN-INT-CLS (Reed et al. 2016): G, D, GRU text encoder, the matching-aware training step.
        .target(name: "GAN", dependencies: ["Tensor"]),
        // The training loop: data seam, synthetic data, checkpoints, CSV log, PNG grids, evaluation.
        .target(name: "Training", dependencies: ["GAN", "Tensor", "EEE443", "GloVe", "CPNG", "Shards", "DemoData"]),
        // Does G follow the caption? Attribute classifier, accuracies, diversity, Frechet distance.
        .target(name: "Evaluation", dependencies: ["Training", "GAN", "Tensor"]),
        // Shared helpers for tests: temporary folders, fixture scripts, running the real CLI.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        // libpng's setjmp-based write API behind plain status codes (interlaced, palette, 16-bit PNGs for the demo host).
        .target(name: "CDemoPNG", dependencies: ["CPNG"]),
        // The demo dataset: deterministic scenes, captions, images and vectors in the real EEE443 layout.
        .target(name: "DemoData", dependencies: ["EEE443", "HDF5", "CTurboJPEG", "CDemoPNG"]),
        // The loopback image host serving the demo files with a documented fault mix.
        .target(name: "DemoHost", dependencies: ["DemoData"] + nio),
        // The command-line tool: a thin layer over the modules above.
        .executableTarget(name: "t2i", dependencies: ["EEE443", "GloVe", "Imaging", "Shards", "DemoData", "DemoHost", "Ledger", "Pipeline", "GAN", "Training", "Evaluation", argumentParser, logging]),
        // Benchmarks run by `make bench`; they print figures next to the Python reference.
        .executableTarget(name: "t2i-bench", dependencies: ["EEE443", "GloVe"], path: "Sources/Bench"),
        // Tensor benchmark: GAN layer shapes and sgemm, compared with PyTorch by scripts/bench/70-tensor.sh.
        .executableTarget(name: "t2i-bench-tensor", dependencies: ["Tensor", "COpenBLAS"], path: "Sources/BenchTensor"),
        .executableTarget(name: "t2i-bench-shards", dependencies: ["Shards"], path: "Sources/BenchShards"),
        // Imaging benchmark: decode + filter + resize throughput per size bucket (scripts/bench/40-imaging.sh).
        .executableTarget(name: "t2i-bench-imaging", dependencies: ["Imaging", "CTurboJPEG"], path: "Sources/BenchImaging"),
        // Training-step benchmark: images/s against the PyTorch reference (scripts/bench/80-train.sh).
        .executableTarget(name: "t2i-bench-train", dependencies: ["GAN", "Training", "Tensor", "COpenBLAS"], path: "Sources/BenchTrain"),
        .testTarget(name: "HDF5Tests", dependencies: ["HDF5", "TestSupport"]),
        .testTarget(name: "EEE443Tests", dependencies: ["EEE443", "HDF5", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "GloVeTests", dependencies: ["GloVe", "TestSupport"]),
        .testTarget(name: "TensorTests", dependencies: ["Tensor", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "DownloadTests", dependencies: ["Download", "DemoData", "DemoHost", "TestSupport"]),
        .testTarget(name: "PipelineTests", dependencies: ["Pipeline", "Ledger", "Shards", "DemoData", "DemoHost", "Download", "Imaging", "EEE443", "Training", "GAN", "Tensor", "t2i", "TestSupport"]),
        .testTarget(name: "LedgerTests", dependencies: ["Ledger", "TestSupport"]),
        .testTarget(name: "ShardsTests", dependencies: ["Shards", "t2i", "TestSupport"]),
        .testTarget(name: "ImagingTests", dependencies: ["Imaging", "TestSupport", "t2i"]),
        .testTarget(name: "GANTests", dependencies: ["GAN", "Tensor", "TestSupport"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "GAN", "Tensor", "EEE443", "TestSupport", "t2i"]),
        .testTarget(name: "EvaluationTests", dependencies: ["Evaluation", "Training", "GAN", "Tensor", "TestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["t2i", "TestSupport"]),
        .testTarget(name: "DemoDataTests", dependencies: ["DemoData", "EEE443", "HDF5", "TestSupport"]),
        .testTarget(name: "DemoHostTests", dependencies: ["DemoHost", "DemoData", "t2i", "TestSupport"]),
    ]
)

for target in package.targets where [.executable, .test, .regular].contains(target.type) {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    target.swiftSettings = settings
}
