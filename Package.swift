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
        // Typed Swift wrapper over libhdf5: files, datasets, hyperslab reads, compound types, writing.
        .target(name: "HDF5", dependencies: ["CHDF5"]),
        // The EEE443 file layout: vocabulary, captions, image ids, URLs.
        .target(name: "EEE443", dependencies: ["HDF5"]),
        // GloVe text-format word vectors and vocabulary lookup.
        .target(name: "GloVe", dependencies: ["EEE443"]),
        // libpng decode/encode with its setjmp/longjmp kept in C; Swift sees a status and a message.
        .target(name: "CPNGDecode", dependencies: ["CPNG"]),
        // Image bytes -> 64x64 RGB or a rejection with a reason: JPEG (DCT scaling) and PNG decode,
        // area resize, corrupt/grayscale/size/placeholder filters, PNG and JPEG encoders.
        .target(name: "Imaging", dependencies: ["CTurboJPEG", "CPNGDecode"]),
        // Shared helpers for tests: temporary folders, fixture scripts, running the real CLI.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        // The command-line tool: a thin layer over the modules above.
        .executableTarget(name: "t2i", dependencies: ["EEE443", "GloVe", "Imaging", argumentParser, logging]),
        // Benchmarks run by `make bench`; they print figures next to the Python reference.
        .executableTarget(name: "t2i-bench", dependencies: ["EEE443", "GloVe"], path: "Sources/Bench"),
        // Imaging benchmark: decode + filter + resize throughput per size bucket (scripts/bench/40-imaging.sh).
        .executableTarget(name: "t2i-bench-imaging", dependencies: ["Imaging", "CTurboJPEG"], path: "Sources/BenchImaging"),
        .testTarget(name: "HDF5Tests", dependencies: ["HDF5", "TestSupport"]),
        .testTarget(name: "EEE443Tests", dependencies: ["EEE443", "TestSupport"]),
        .testTarget(name: "GloVeTests", dependencies: ["GloVe", "TestSupport"]),
        .testTarget(name: "ImagingTests", dependencies: ["Imaging", "TestSupport", "t2i"]),
        .testTarget(name: "CLITests", dependencies: ["t2i", "TestSupport"]),
    ]
)

for target in package.targets where [.executable, .test, .regular].contains(target.type) {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    target.swiftSettings = settings
}
