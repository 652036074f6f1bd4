// t2i-bench-imaging BENCH_DIR [REPEATS]: decode + filter + resize throughput of ImageProcessor on one
// thread, per size bucket (one sub-folder of JPEGs per bucket, as scripts/imaging_corpus.py --bench
// writes them). Prints one line per bucket: bucket, images, best microseconds per image, images per
// second (CPU time of the thread), mean pixel bytes allocated per decode, the full-size RGB bytes a non-scaling decoder needs,
// and the floor: microseconds per image of TurboJPEG alone (header + decode at the same scale).
import CTurboJPEG
import Foundation
import Imaging

/// CPU time of this thread in microseconds: unlike wall time it does not count the time other
/// processes on a shared core take, so figures stay comparable on a busy machine.
func cpuMicroseconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Double(time.tv_sec) * 1e6 + Double(time.tv_nsec) / 1e3
}

/// Best time per image of a bare TurboJPEG header read and RGB decode at each file's scale.
func turboJPEGFloor(_ files: [[UInt8]], scales: [ScaleFactor], repeats: Int) -> Double {
    guard let handle = tjInitDecompress() else { return .nan }
    defer { tjDestroy(handle) }
    // Only as large as the biggest scaled image, so peak RSS still reflects scaled decoding.
    var output = [UInt8](repeating: 0, count: 3 * 4096 * 64)
    var best = Double.infinity
    for _ in 0..<repeats {
        let start = cpuMicroseconds()
        for (file, scale) in zip(files, scales) {
            var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
            guard tjDecompressHeader3(handle, file, UInt(file.count), &width, &height, &subsampling, &colorspace) == 0 else { return .nan }
            let (scaledWidth, scaledHeight) = (scale.scaled(Int(width)), scale.scaled(Int(height)))
            if output.count < scaledWidth * scaledHeight * 3 { output = [UInt8](repeating: 0, count: scaledWidth * scaledHeight * 3) }
            let status = tjDecompress2(handle, file, UInt(file.count), &output, Int32(scaledWidth), 0,
                                       Int32(scaledHeight), Int32(TJPF_RGB.rawValue), 0)
            guard status == 0 else { return .nan }
        }
        best = min(best, (cpuMicroseconds() - start) / Double(files.count))
    }
    return best
}

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: t2i-bench-imaging BENCH_DIR [REPEATS]\n".utf8))
    exit(2)
}
let root = URL(fileURLWithPath: arguments[1])
let repeats = arguments.count > 2 ? max(1, Int(arguments[2]) ?? 3) : 3
let processor = ImageProcessor()

let buckets = (try? FileManager.default.contentsOfDirectory(atPath: root.path).sorted {
    let area: (String) -> Int = { $0.split(separator: "x").compactMap { Int($0) }.reduce(1, *) }
    return area($0) < area($1)
}) ?? []
guard !buckets.isEmpty else {
    FileHandle.standardError.write(Data("no bucket folders in \(root.path)\n".utf8))
    exit(1)
}
print("bucket\timages\tus_per_image\timages_per_s\tdecode_bytes\tfull_rgb_bytes\taccepted\tturbojpeg_floor_us")
for bucket in buckets {
    let folder = root.appendingPathComponent(bucket)
    let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(".jpg") }.sorted()
    let files = names.compactMap { FileManager.default.contents(atPath: folder.appendingPathComponent($0).path) }.map { [UInt8]($0) }
    guard !files.isEmpty else { continue }
    var best = Double.infinity
    var decodedBytes = 0, fullBytes = 0, accepted = 0
    var scales: [ScaleFactor] = []
    for _ in 0..<repeats {
        decodedBytes = 0; fullBytes = 0; accepted = 0; scales = []
        let start = cpuMicroseconds()
        for file in files {
            let decision = processor.process(file)
            decodedBytes += decision.info.decodedBytes
            fullBytes += decision.info.width * decision.info.height * 3
            if decision.image != nil { accepted += 1 }
            scales.append(decision.info.scale)
        }
        best = min(best, (cpuMicroseconds() - start) / Double(files.count))
    }
    print("\(bucket)\t\(files.count)\t\(String(format: "%.1f", best))\t\(String(format: "%.0f", 1e6 / best))\t\(decodedBytes / files.count)\t\(fullBytes / files.count)\t\(accepted)\t\(String(format: "%.1f", turboJPEGFloor(files, scales: scales, repeats: repeats)))")
}
var usage = rusage()
getrusage(RUSAGE_SELF.rawValue, &usage)
print("peak_rss_kib\t\(usage.ru_maxrss)")
